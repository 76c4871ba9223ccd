import { z } from 'zod';
import { StratalignError } from '../../shared/errors.js';
import { closestName } from '../../shared/closest-name.js';
import { formatPath } from '../../shared/validation.js';

const share = z.number().min(0).max(1);

export const alignmentConfigSchema = z
  .strictObject({
    /** Reference distribution: a reference JSON from `stratalign reference`, or a counts table (.csv). */
    reference: z.string().min(1),
    /** With a counts table: which model is the reference, by role (default teacher) or label. */
    referenceRole: z.string().min(1).optional(),
    referenceModel: z.string().min(1).optional(),
    /** Pass only if the mean teacher probability of our answers is at least this. */
    minAgreement: share.optional(),
    /** Pass only if the total-variation distance to the teacher is at most this (batches of samples). */
    maxDistance: share.optional(),
    /** Pass only if at least this share of received answers could be parsed (batches). */
    minParseRate: share.optional(),
    /** Let a batch with missing samples (provider errors) pass; by default it fails. */
    allowMissing: z.boolean().default(false),
    /** How maxDistance is decided: 'within' (confidently within, the default), 'not-outside' or 'point'. */
    decision: z.enum(['within', 'not-outside', 'point']).default('within'),
    /** The chance of the wrong verdict for a model exactly at maxDistance (one-sided), for within and not-outside. */
    errorRate: z.number().gt(0).lt(0.5).default(0.05),
    /** The reference has no sampling noise (a log-probability distribution, a very large sample). */
    referenceExact: z.boolean().default(false),
  })
  .refine((c) => !(c.referenceRole && c.referenceModel), {
    message: 'set referenceRole or referenceModel, not both',
    path: ['referenceModel'],
  });

export type AlignmentConfig = z.infer<typeof alignmentConfigSchema>;

const KNOWN_KEYS = [
  'reference',
  'referenceRole',
  'referenceModel',
  'minAgreement',
  'maxDistance',
  'minParseRate',
  'allowMissing',
  'decision',
  'errorRate',
  'referenceExact',
];

/** Validates an alignment assertion's config; errors name the key, and the file when given (else the caller does). */
export function parseAlignmentConfig(config: unknown, file?: string): AlignmentConfig {
  const result = alignmentConfigSchema.safeParse(config ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  const hint = issue.code === 'unrecognized_keys' ? closestName(issue.keys[0]!, KNOWN_KEYS) : undefined;
  const path = formatPath(issue.path);
  throw new StratalignError(
    { ...(file ? { file } : {}), field: `assert[alignment].config${path ? `.${path}` : ''}${keys}` },
    issue.message,
    `${hint ? `did you mean ${hint}? ` : ''}give \`reference\` (a reference .json or counts .csv) and optionally ` +
      'referenceRole/referenceModel, minAgreement, maxDistance, minParseRate (0..1), allowMissing, ' +
      'decision (within | not-outside | point), errorRate (0..0.5), referenceExact',
  );
}
