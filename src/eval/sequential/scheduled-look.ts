import { lookSchedule } from './group-sequential.js';
import type { SequentialDesignKind } from './stopping-rule.js';

/**
 * How many valid answers a look decides on. The group-sequential design's error rate is computed
 * exactly for looks at scheduled numbers of valid answers (batch, 2 × batch, ..., cap). An
 * unread answer (parse failure) spends a call without adding data, so after a batch of calls the
 * valid count is usually off that schedule. The look then decides on the first s valid answers,
 * s the largest scheduled number not above the valid count, and the rest wait for the next look.
 * Whether an answer is readable does not depend on which action it names, so the decisions taken
 * are the calibrated design's at a subset of its looks (a batch never crosses two scheduled
 * numbers, as it holds at most `batch` answers) and its exact error rate still bounds them; a
 * run whose calls run out before the last scheduled number simply ends with fewer looks.
 * Unread answers count towards the cap, never towards a share, and are reported (`failures`,
 * `decidedOn`). The always-valid design holds at any number of answers: it decides on all.
 */
export function decisionPoints(
  design: SequentialDesignKind | undefined,
  batch: number,
  cap: number,
): (valid: number) => number {
  if (design !== 'group-sequential') return (valid) => valid;
  const schedule = lookSchedule(batch, cap);
  return (valid) => {
    let lo = 0;
    let hi = schedule.length;
    // Number of scheduled looks at or below `valid`.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (schedule[mid]! <= valid) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : schedule[lo - 1]!;
  };
}
