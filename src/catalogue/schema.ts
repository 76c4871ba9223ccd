import { z } from 'zod';

const provenance = z.strictObject({ source: z.string().min(1), edited: z.union([z.string(), z.date()]).transform(String) });
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const matrixGame = z.strictObject({
  id,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  kind: z.literal('matrix-2x2'),
  payoffs: z.strictObject({ CC: finite, CD: finite, DC: finite, DD: finite }),
  // Words that name an option in prose ("cooperate" for C); the parser reads them as that option.
  action_words: z.strictObject({ C: z.array(z.string().min(1)).default([]), D: z.array(z.string().min(1)).default([]) }).optional(),
});

const publicGoodsGame = z.strictObject({
  id,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  kind: z.literal('public-goods'),
  players: z.number().int().min(2),
  endowment: z.number().int().min(1),
  multiplier: finite.refine((m) => m > 0, 'must be positive'),
  unit: z.string().min(1),
  // What an answer with cents ("$6.50") means: a 'fractional-amount' failure, or rounded to the nearest whole unit, halves up.
  fractional_amounts: z.enum(['reject', 'round-half-up']).default('reject'),
});

export const gamesFileSchema = z.strictObject({
  schema: z.literal('stratalign.games/v1'),
  version: z.number().int().min(1),
  provenance,
  payoff_scales: z.array(finite.refine((s) => s > 0, 'must be positive')).min(1),
  games: z.array(z.discriminatedUnion('kind', [matrixGame, publicGoodsGame])).min(1),
});

export const contextsFileSchema = z.strictObject({
  schema: z.literal('stratalign.contexts/v1'),
  version: z.number().int().min(1),
  provenance,
  contexts: z
    .array(
      z.strictObject({
        id,
        key: z.string().min(1),
        split: z.enum(['in-sample', 'out-of-sample']),
        role: z.string().min(1),
        coplayer: z.string().min(1),
        points: z.string().min(1),
      }),
    )
    .min(1),
});

export const protocolsFileSchema = z.strictObject({
  schema: z.literal('stratalign.protocols/v1'),
  version: z.number().int().min(1),
  provenance,
  protocols: z
    .array(
      z.strictObject({
        id,
        description: z.string().min(1),
        system: z.string().min(1),
        user: z.string().min(1),
        answer_format: z.strictObject({ choice: z.string().min(1), integer: z.string().min(1) }),
      }),
    )
    .min(1),
});

export type GamesFile = z.infer<typeof gamesFileSchema>;
export type ContextsFile = z.infer<typeof contextsFileSchema>;
export type ProtocolsFile = z.infer<typeof protocolsFileSchema>;
export type GameEntry = GamesFile['games'][number];
export type ContextEntry = ContextsFile['contexts'][number];
export type ProtocolEntry = ProtocolsFile['protocols'][number];
