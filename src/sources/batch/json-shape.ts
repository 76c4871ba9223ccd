/** Readers for untrusted JSON bodies: a wrong shape gives null, never a throw or a guess. */
// Callers probe fields of untrusted JSON one by one and check each with num()/strings; `unknown`
// would need a cast at every read.
// biome-ignore lint/suspicious/noExplicitAny: see the comment above.
export function record(value: unknown): Record<string, any> | null {
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A short JSON rendering of a value for error messages. */
export function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
