import { z } from 'zod';
import { StratalignError, type ErrorLocation } from '../../shared/errors.js';
import { formatPath } from '../../shared/validation.js';

/**
 * The parts of a promptfoo result row (`EvaluateResult`, results version 3) the converter reads.
 * Everything else promptfoo writes (grading, token usage, prompt text) is ignored, so newer
 * promptfoo versions that add fields still convert.
 */
const rowSchema = z.looseObject({
  provider: z.union([
    z.string().min(1),
    z
      .looseObject({ id: z.string().optional(), label: z.string().optional() })
      .refine((p) => Boolean(p.id || p.label), 'provider has neither id nor label'),
  ]),
  vars: z.record(z.string(), z.unknown()),
  response: z
    .looseObject({
      output: z.unknown().optional(),
      metadata: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  failureReason: z.number().optional(),
  error: z.string().nullish(),
  testIdx: z.number().optional(),
  promptIdx: z.number().optional(),
  evaluationId: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** What stratalign providers put under `response.metadata.stratalign`. */
const stratalignMetaSchema = z.looseObject({
  source: z.string().optional(),
  mode: z.string().optional(),
  model: z.string().optional(),
  role: z.string().nullable().optional(),
  scenario: z.string().optional(),
  seed: z.union([z.number(), z.string()]).optional(),
  finishReason: z.string().optional(),
  /** The prompt protocol the provider asked under; the exporter refuses to pair its answers with another one. */
  protocol: z.string().optional(),
});

export type StratalignMeta = z.infer<typeof stratalignMetaSchema>;

/** A row reduced to what becomes samples (or a provider error). */
export type RowFields = {
  providerId: string | null;
  /** The provider's label; the id when the config gave none. Recorded as the sample's model. */
  providerLabel: string;
  scenario: string | undefined;
  split: string | undefined;
  /** The row's output text, or null when the provider returned none. */
  output: string | null;
  error: string | null;
  failureReason: number | null;
  testIdx: number | null;
  promptIdx: number | null;
  repeatIndex: number | null;
  evaluationId: string | null;
  meta: StratalignMeta;
};

const FIX =
  'convert the file promptfoo wrote with `promptfoo eval -o results.json` (or .jsonl); each row needs provider, ' +
  'vars.scenario, vars.split and a response or an error';

export function readRowFields(value: unknown, where: ErrorLocation): RowFields {
  const parsed = rowSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StratalignError(
      { ...where, field: `${where.field}, field ${formatPath(issue.path) || '(row)'}` },
      `not a promptfoo result row: ${issue.message}`,
      FIX,
    );
  }
  const row = parsed.data;
  const provider = typeof row.provider === 'string' ? { id: row.provider, label: undefined } : row.provider;
  const rawMeta = row.response?.metadata?.stratalign ?? row.metadata?.stratalign ?? {};
  const meta = stratalignMetaSchema.safeParse(rawMeta);
  if (!meta.success) {
    throw new StratalignError(
      {
        ...where,
        field: `${where.field}, field response.metadata.stratalign.${formatPath(meta.error.issues[0]!.path)}`,
      },
      meta.error.issues[0]!.message,
      FIX,
    );
  }
  const output = row.response?.output;
  if (output !== undefined && output !== null && typeof output !== 'string') {
    throw new StratalignError(
      { ...where, field: `${where.field}, field response.output`, value: output },
      'output is not text',
      'stratalign providers return text or a stratalign.samples/v1 envelope; convert results of those providers',
    );
  }
  const repeat = row.metadata?.repeatIndex ?? row.response?.metadata?.repeatIndex;
  return {
    providerId: provider.id ?? null,
    providerLabel: provider.label ?? provider.id!,
    scenario: typeof row.vars.scenario === 'string' ? row.vars.scenario : undefined,
    split: typeof row.vars.split === 'string' ? row.vars.split : undefined,
    output: typeof output === 'string' ? output : null,
    error: row.error ?? null,
    failureReason: row.failureReason ?? null,
    testIdx: row.testIdx ?? null,
    promptIdx: row.promptIdx ?? null,
    repeatIndex: typeof repeat === 'number' ? repeat : null,
    evaluationId: row.evaluationId ?? null,
    meta: meta.data,
  };
}

/**
 * A provider error is a row promptfoo marked as an error (failureReason 2, or an error text)
 * that has no output. Rows that have output but failed an assertion (failureReason 1, whose
 * `error` holds the assertion's reason) are samples like any other.
 */
export function isProviderError(fields: RowFields): boolean {
  return fields.output === null && (fields.failureReason === 2 || fields.error !== null);
}

/**
 * How many answers a provider error row lost, as the row itself says: stratalign providers put
 * `requested`, `recorded` and `missing.count` in their metadata, failed rows too. Null when the
 * row does not say (another provider, or an older stratalign): such a row counts as one.
 */
export function answersLostByErrorRow(meta: StratalignMeta): number | null {
  const whole = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  const said = meta.missing && typeof meta.missing === 'object' ? (meta.missing as { count?: unknown }).count : null;
  const missing = whole(said);
  if (missing !== null) return missing;
  const requested = whole(meta.requested);
  const recorded = whole(meta.recorded) ?? 0;
  return requested !== null && requested >= recorded ? requested - recorded : null;
}

export function requireVar(fields: RowFields, name: 'scenario' | 'split', where: ErrorLocation): string {
  const value = fields[name];
  if (value !== undefined && value.trim() !== '') return value;
  throw new StratalignError(
    { ...where, field: `${where.field}, field vars.${name}` },
    `the row has no vars.${name}`,
    name === 'scenario'
      ? 'generate tests with extensions/scenario-tests.ts, or set vars.scenario (e.g. ' +
          'business/prisoners-dilemma) on every test'
      : 'generate tests with extensions/scenario-tests.ts, or set vars.split (e.g. in-sample) on every test',
  );
}
