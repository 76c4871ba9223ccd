export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Runs at most `limit` tasks at once, first come first served (a tiny p-limit). One limiter is
 * shared by all calls of a provider, so promptfoo's row concurrency and a batch's N calls together
 * never put more than `limit` requests in flight against one server.
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        active++;
        // A task that throws synchronously must still release its slot.
        Promise.resolve().then(task).then(resolve, reject).finally(release);
      };
      if (active < limit) start();
      else waiting.push(start);
    });
}
