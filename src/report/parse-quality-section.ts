import { describeParseQuality, parseQualityByModel, type ParseQuality } from './summary/parse-quality.js';
import { failuresKnown, type Tally } from '../recordings/types.js';

/**
 * A model's parse quality in the report: the counts by route, the failure kinds, the spread test, and the line every
 * renderer prints.
 */
export type ReportParseQuality = ParseQuality & { ruleRead: number; line: string };

export const PARSE_QUALITY_TITLE =
  'Parse quality (answers read per model: by the rules, by the audited extractor, unread; unread answers are ' +
  'never guessed)';

/**
 * Per reported model, how its answers were read, from the same tallies and by the same function
 * as the end-of-eval summary, so both print the same numbers. Only data that recorded parse
 * failures has any; undefined when no reported model's data did.
 */
export function reportParseQuality(
  tallies: readonly Tally[],
  models: readonly string[],
): ReportParseQuality[] | undefined {
  const known = tallies.filter((t) => models.includes(t.model) && failuresKnown(t));
  if (known.length === 0) return undefined;
  const byModel = new Map(parseQualityByModel(known).map((q) => [q.model, q]));
  return models.flatMap((m) => {
    const q = byModel.get(m);
    return q ? [{ ...q, ruleRead: q.read - q.extracted, line: describeParseQuality(q) }] : [];
  });
}
