import { z } from 'zod';
import { StratalignError } from '../../shared/errors.js';
import { closestName } from '../../shared/closest-name.js';
import { formatPath } from '../../shared/validation.js';

export const replayConfigSchema = z.strictObject({
  /** Counts table (.csv) or JSONL text recording (.jsonl), relative to the promptfoo config. */
  recording: z.string().min(1),
  /** Model label in the recording to replay. */
  model: z.string().min(1),
  /**
   * Answers per call: 1 for promptfoo's repeat (per-response rows), N for one row of N samples,
   * 'all' for every recorded answer of the scenario once (reproduces the recording exactly).
   */
  samples: z.union([z.number().int().min(1).max(1_000_000), z.literal('all')]).default(1),
  /**
   * Past the last recorded answer: 'missing' reports the extra answers as missing (replay
   * exhausted); 'cycle' starts a fresh seeded permutation of the same answers.
   */
  onExhausted: z.enum(['missing', 'cycle']).default('missing'),
  /** Seed of the replay permutation; the same seed replays the same order. */
  seed: z.union([z.number(), z.string()]).default(1),
  /** Role to report instead of the recording's (base, fine-tuned, teacher, ...). */
  role: z.string().min(1).optional(),
  /** Protocol the recorded model was asked with; only shown in the rendered prompt. */
  protocol: z.string().min(1).optional(),
  /** Set by promptfoo: directory of the config file. */
  basePath: z.string().optional(),
});

export type ReplayConfig = z.infer<typeof replayConfigSchema>;

/** Validates a replay provider's config; unknown keys are rejected so typos fail loudly. */
export function parseReplayConfig(config: unknown, providerName: string, file?: string): ReplayConfig {
  const result = replayConfigSchema.safeParse(config ?? {});
  if (result.success) return result.data;
  // Every problem at once: a misspelt key usually also shows up as a missing required one.
  const problems = result.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code !== 'unrecognized_keys') return `${path || 'config'}: ${issue.message}`;
    const hint = closestName(issue.keys[0]!, Object.keys(replayConfigSchema.shape));
    return `unknown key(s) ${issue.keys.join(', ')}${hint ? ` (did you mean ${hint}?)` : ''}`;
  });
  throw new StratalignError(
    { ...(file ? { file } : {}), field: `providers[${providerName}].config` },
    problems.join('; '),
    `use only ${Object.keys(replayConfigSchema.shape)
      .filter((k) => k !== 'basePath')
      .join(', ')}; recording and model are required`,
  );
}
