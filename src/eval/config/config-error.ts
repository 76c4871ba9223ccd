import { basename } from 'node:path';
import { StratalignError } from '../../shared/errors.js';
import { configLocation, type ConfigLocation } from '../../shared/config-location.js';

/**
 * One line for a config error: `stratalign: <config as given to -c>: <key or path>: <problem>.
 * Fix: <fix>`. Errors raised deep in the core do not know which config they came from; the file
 * is filled in here, so every message names the config the user actually ran.
 */
export function configErrorLine(
  err: StratalignError,
  location: Pick<ConfigLocation, 'file'> = configLocation(),
): string {
  const named = err.location.file
    ? err
    : new StratalignError({ ...err.location, file: location.file }, err.problem, err.fix);
  return `stratalign: ${named.message}`;
}

/** True inside the promptfoo command-line tool (as opposed to a Node API run or a test runner). */
export function isPromptfooCli(argv: readonly string[] = process.argv): boolean {
  const script = argv[1] ?? '';
  return basename(script) === 'promptfoo' || /promptfoo[\\/]dist[\\/]src[\\/](entrypoint|main)\.js$/.test(script);
}

const PRINTED = Symbol.for('stratalign.printedConfigErrors');

/** Prints a config error line once per process (a provider and the checking hook may both find it). */
export function printConfigErrorOnce(line: string, stream: NodeJS.WritableStream = process.stderr): void {
  const g = globalThis as { [PRINTED]?: Set<string> };
  const printed = (g[PRINTED] ??= new Set());
  if (printed.has(line)) return;
  printed.add(line);
  stream.write(`${line}\n`);
}

/** Exit code of a run stopped by config errors: promptfoo's own for a config it cannot load. */
export const CONFIG_ERROR_EXIT = 1;

/**
 * Stops a run whose config cannot work, before any model is called. Under the promptfoo CLI:
 * each problem on one line, exit 1 (a thrown error would end in promptfoo's stack trace). Under
 * the Node API or a test runner, where exiting would take the host process down: an error.
 */
export function stopOnConfigErrors(lines: readonly string[]): void {
  if (lines.length === 0) return;
  if (!isPromptfooCli()) throw new Error(lines.join('\n'));
  for (const line of lines) printConfigErrorOnce(line);
  process.exit(CONFIG_ERROR_EXIT);
}
