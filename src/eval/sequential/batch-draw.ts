import type { Action } from '../../catalogue/games/action-space.js';
import type { Draw, SequentialDesign } from './run-sequential.js';

/** One answer of a batch: an action, null when it named none (not data), or why the call failed. */
export type BatchOutcome = Action | null | { failed: string };

/**
 * Fetches `size` answers starting at answer `first` (0-based over the whole run), e.g. as one
 * request with the API's `n`. Must resolve to exactly `size` outcomes.
 */
export type DrawBatch = (size: number, first: number) => Promise<readonly BatchOutcome[]>;

/**
 * A `Draw` for runSequential that fetches a whole batch at once. runSequential draws
 * min(batch, cap − calls) answers between looks, so the k-th draw belongs to the batch starting
 * at the last multiple of `batch` below it; the first draw of a batch fetches it and the others
 * take their place in it. A failed call becomes a rejected draw: runSequential keeps the batch,
 * records the reason and stops before spending more.
 */
export function drawInBatches(drawBatch: DrawBatch, design: SequentialDesign): Draw {
  let drawn = 0;
  let current: { first: number; size: number; outcomes: Promise<readonly BatchOutcome[]> } | undefined;
  return async () => {
    const index = drawn++;
    if (!current || index >= current.first + current.size) {
      const size = Math.min(design.batch, design.cap - index);
      current = { first: index, size, outcomes: drawBatch(size, index) };
    }
    const { first, size } = current;
    const outcomes = await current.outcomes;
    if (outcomes.length !== size)
      throw new Error(`bug: a batch of ${size} answers resolved to ${outcomes.length} outcomes`);
    const outcome = outcomes[index - first]!;
    if (outcome !== null && typeof outcome === 'object') throw new Error(outcome.failed);
    return outcome;
  };
}
