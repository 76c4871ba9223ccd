/**
 * A child of `parent` for one API call. The SDKs add an abort listener to the signal of every
 * request and never remove it, so passing the collection's own signal to each call of a day-long
 * run would pile up listeners; a child per call is dropped with its listener when the call ends.
 */
export async function withScopedSignal<T>(
  parent: AbortSignal | undefined,
  call: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!parent) return call(undefined);
  const child = new AbortController();
  const forward = () => child.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  try {
    return await call(child.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}
