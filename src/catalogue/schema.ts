import { z } from 'zod';

const provenance = z.strictObject({
  source: z.string().min(1),
  edited: z.union([z.string(), z.date()]).transform(String),
});
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const matrixGame = z.strictObject({
  id,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  kind: z.literal('matrix-2x2'),
  payoffs: z.strictObject({ CC: finite, CD: finite, DC: finite, DD: finite }),
  // Words that name an option in prose ("cooperate" for C); the parser reads them as that option.
  action_words: z
    .strictObject({ C: z.array(z.string().min(1)).default([]), D: z.array(z.string().min(1)).default([]) })
    .optional(),
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
  // What an answer with cents ("$6.50") means: a 'fractional-amount' failure, or rounded to the nearest whole unit,
  // halves up.
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
        /** text: free text for the rule parser; structured: a JSON object requested and read against a schema. */
        response: z.enum(['text', 'structured']).default('text'),
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

// Two labels a prompt shows for the two options of a 2x2 game; no whitespace, so an answer can name one.
const optionLabel = z.string().regex(/^\S{1,16}$/, 'must be 1 to 16 characters without spaces');

export const labelsFileSchema = z.strictObject({
  schema: z.literal('stratalign.labels/v1'),
  version: z.number().int().min(1),
  provenance,
  /** The variant of every scenario id without a `~variant` suffix: the games' own labels. */
  reference: id,
  variants: z
    .array(
      z.strictObject({
        id,
        description: z.string().min(1),
        /** The two labels in the order the prompt shows them. */
        options: z.tuple([optionLabel, optionLabel]),
        /** Which of the two labels means the cooperative action. */
        cooperative: optionLabel,
        /** How the prompt calls a label ("one letter, C or D"); inferred from the labels when left out. */
        word: z.enum(['letter', 'number', 'word']).optional(),
      }),
    )
    .min(1),
});

const PAYOFF_LETTERS = ['R', 'S', 'T', 'P'] as const;
const payoffLetter = z.enum(PAYOFF_LETTERS);
const axis = z.strictObject({ from: finite, to: finite, step: finite.refine((s) => s > 0, 'must be positive') });

export const gridsFileSchema = z.strictObject({
  schema: z.literal('stratalign.grids/v1'),
  version: z.number().int().min(1),
  provenance,
  families: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1),
        description: z.string().min(1),
        /** Payoffs held constant: R = (C,C), S = (C,D), T = (D,C), P = (D,D), to the row player. */
        fixed: z.partialRecord(payoffLetter, finite),
        /** Payoffs swept from `from` to `to` in steps of `step` (one or two of them). */
        vary: z.partialRecord(payoffLetter, axis),
      }),
    )
    .min(1),
});

export type LabelsFile = z.infer<typeof labelsFileSchema>;
export type GridsFile = z.infer<typeof gridsFileSchema>;
export type GridFamilyEntry = GridsFile['families'][number];
export type PayoffLetter = (typeof PAYOFF_LETTERS)[number];
export { PAYOFF_LETTERS };
