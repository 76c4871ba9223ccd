/**
 * Gives each request its own abort signal, tied to a shared one (promptfoo's, or a batch
 * collection's) by a single listener.
 *
 * Both SDKs add an abort listener to the signal of every request and never remove it; promptfoo
 * hands every call of an eval the same signal, so passing it through piles up one listener per
 * request (Node warns past 10: MaxListenersExceededWarning). Here the SDK gets a child signal that
 * is dropped with its listener when the request ends, and the shared signal carries one listener
 * for all children in flight, removed when the last of them ends: the count stays at most one
 * whatever the concurrency.
 */
type Fanout = { children: Set<AbortController>; forward: () => void };

const fanouts = new WeakMap<AbortSignal, Fanout>();

export async function withRequestSignal<T>(
  shared: AbortSignal | undefined,
  call: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!shared) return call(undefined);
  const child = new AbortController();
  if (shared.aborted) {
    child.abort(shared.reason);
    return call(child.signal);
  }
  let fanout = fanouts.get(shared);
  if (!fanout) {
    const children = new Set<AbortController>();
    const created: Fanout = {
      children,
      forward: () =>
        children.forEach((c) => {
          c.abort(shared.reason);
        }),
    };
    shared.addEventListener('abort', created.forward, { once: true });
    fanouts.set(shared, created);
    fanout = created;
  }
  fanout.children.add(child);
  try {
    return await call(child.signal);
  } finally {
    fanout.children.delete(child);
    if (fanout.children.size === 0 && fanouts.get(shared) === fanout) {
      shared.removeEventListener('abort', fanout.forward);
      fanouts.delete(shared);
    }
  }
}
