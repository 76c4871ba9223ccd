import { StratalignError } from '../../src/shared/errors.js';

/** The StratalignError a call throws, so a test can check its file, field and fix; fails otherwise. */
export function errorOf(fn: () => unknown): StratalignError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StratalignError) return err;
    throw err;
  }
  throw new Error('expected a StratalignError');
}
