import { z } from 'zod';
import type { ChoiceParameters } from '../../catalogue/scenarios/choice-covariates.js';

const parameters = z.object({
  cooperationBias: z.number(),
  incentiveIfC: z.number(),
  incentiveIfD: z.number(),
  labelBias: z.number(),
  positionBias: z.number(),
});
const row = z.looseObject({
  provider: z.union([z.string(), z.looseObject({ id: z.string().optional(), label: z.string().optional() })]),
  response: z.looseObject({
    metadata: z.looseObject({
      stratalign: z.looseObject({ source: z.literal('simulated'), simulated: z.looseObject({ parameters }) }),
    }),
  }),
});

/**
 * The known parameters of every simulated player in an eval's rows, by provider label (what the
 * summary names models by). A label whose rows disagree (two providers with one label) gets none:
 * no single truth exists for it.
 */
export function simulatedTruths(rows: readonly unknown[]): Map<string, ChoiceParameters> {
  const found = new Map<string, ChoiceParameters | null>();
  for (const r of rows) {
    const parsed = row.safeParse(r);
    if (!parsed.success) continue;
    const p = parsed.data.provider;
    const label = typeof p === 'string' ? p : (p.label ?? p.id);
    if (!label) continue;
    const truth = parsed.data.response.metadata.stratalign.simulated.parameters;
    const before = found.get(label);
    if (before === undefined) found.set(label, truth);
    else if (before !== null && JSON.stringify(before) !== JSON.stringify(truth)) found.set(label, null);
  }
  return new Map([...found].filter((e): e is [string, ChoiceParameters] => e[1] !== null));
}
