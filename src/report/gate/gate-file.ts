import { z } from 'zod';
import { StratalignError } from '../../shared/errors.js';
import { readYamlFile } from '../../shared/files/read-yaml.js';
import { validateFile } from '../../shared/validation.js';
import { checkSide } from './metric-side.js';
import { BOUNDS, checkThreshold, parseMetric, parseScope, type Bound, type Check } from './checks.js';

export const GATE_SCHEMA = 'stratalign.gate/v1';

const boundSchema = z.enum(BOUNDS as [Bound, ...Bound[]]);

const gateFileSchema = z.strictObject({
  schema: z.literal(GATE_SCHEMA),
  /** Bound for checks that do not name one; point when absent. */
  bound: boundSchema.optional(),
  checks: z
    .array(
      z.strictObject({
        metric: z.string().min(1),
        scope: z.string().optional(),
        bound: boundSchema.optional(),
        min: z.number().finite().optional(),
        max: z.number().finite().optional(),
      }),
    )
    .min(1),
});

export type GateFile = { bound: Bound | null; checks: Check[] };

const FIX =
  `write schema: ${GATE_SCHEMA}, an optional bound (${BOUNDS.join(', ')}) and checks: a list of ` +
  `{metric, scope, bound, min, max} with min or max (see README, "Gate")`;

/** Reads a gate file; every check names a metric and at least one threshold. */
export function readGateFile(file: string): GateFile {
  const data = validateFile(gateFileSchema, readYamlFile(file), file, FIX);
  const checks = data.checks.map((entry, i): Check => {
    const field = `checks[${i}]`;
    if (entry.min === undefined && entry.max === undefined) {
      throw new StratalignError(
        { file, field, value: entry },
        'a check needs min or max',
        'add `min: <number>` and/or `max: <number>`',
      );
    }
    if (entry.min !== undefined && entry.max !== undefined && entry.min > entry.max) {
      throw new StratalignError(
        { file, field, value: entry },
        'min is above max, so the check can never pass',
        'swap the two thresholds',
      );
    }
    const check: Check = {
      metric: parseMetric(entry.metric, { file, field: `${field}.metric` }),
      scope: parseScope(entry.scope ?? 'overall', { file, field: `${field}.scope` }),
      bound: entry.bound ?? null,
      origin: `${file} ${field}`,
    };
    const warnings: string[] = [];
    for (const side of ['min', 'max'] as const) {
      const threshold = entry[side];
      if (threshold === undefined) continue;
      checkSide(check.metric, side, threshold, { file, field: `${field}.${side}` });
      const warning = checkThreshold(check.metric, threshold, { file, field: `${field}.${side}` });
      if (warning) warnings.push(warning);
      check[side] = threshold;
    }
    if (warnings.length) check.warnings = warnings;
    return check;
  });
  return { bound: data.bound ?? null, checks };
}
