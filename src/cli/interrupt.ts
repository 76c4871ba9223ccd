import type { CommandIO } from '../shared/command.js';

/**
 * Runs a command that writes files atomically with Ctrl-C (SIGINT) and SIGTERM turned into an
 * abort signal, so the command stops at the next item, removes its temp files and exits 130
 * instead of being killed with partial files left behind.
 */
export async function withInterrupt(
  io: CommandIO,
  name: string,
  run: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => controller.abort(new Error(`interrupted by ${sig}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await run(controller.signal);
  } catch (err) {
    if (!controller.signal.aborted) throw err;
    io.stderr.write(`stratalign ${name}: interrupted; no output file was written\n`);
    return 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
