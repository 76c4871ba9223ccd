/**
 * Errors a user can fix: bad config, bad data files, bad arguments. They carry where the
 * problem is and how to fix it, so the CLI and the adapters can print one clear line
 * instead of a stack trace. Expected runtime outcomes (parse failures, provider errors)
 * are values, not exceptions.
 */
export type ErrorLocation = {
  /** File the bad input came from, relative to the working directory where possible. */
  file?: string;
  /** Field, column or line in that file, e.g. `games[2].payoffs.CC` or `line 14`. */
  field?: string;
  /** The offending value, shown JSON-encoded and shortened. */
  value?: unknown;
};

export class StratalignError extends Error {
  readonly location: ErrorLocation;
  readonly problem: string;
  readonly fix: string;

  constructor(location: ErrorLocation, problem: string, fix: string) {
    super(formatMessage(location, problem, fix));
    this.name = 'StratalignError';
    this.location = location;
    this.problem = problem;
    this.fix = fix;
  }
}

export function isStratalignError(err: unknown): err is StratalignError {
  return err instanceof StratalignError;
}

function formatMessage(location: ErrorLocation, problem: string, fix: string): string {
  const where = [location.file, location.field].filter(Boolean).join(': ');
  const value = 'value' in location ? ` (got ${showValue(location.value)})` : '';
  return `${where ? `${where}: ` : ''}${problem}${value}. Fix: ${fix}`;
}

export function showValue(value: unknown, max = 80): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
