import type { z } from 'zod';
import { StratalignError } from './errors.js';

/**
 * Validates data read from a file against a zod schema and turns the first problem into a
 * StratalignError naming the file, the field path, the value found and a fix.
 */
export function validateFile<T extends z.ZodType>(schema: T, data: unknown, file: string, fix: string): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = formatPath(issue.path);
  throw new StratalignError(
    { file, field: field || '(top level)', value: valueAt(data, issue.path) },
    issue.message,
    fix,
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

/** The value at a zod issue path, to show what was found there. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
