import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sanitizeForTerminal } from '../../shared/terminal.js';

export type ProgressOptions = {
  out: Writable;
  /** Shown when stderr is a terminal or the user asked for --progress. */
  enabled: boolean;
  /** Overwrite one line (terminal) instead of printing a line per update (logs). */
  overwrite: boolean;
  /** e.g. 'convert results.json'; escaped before printing. */
  label: string;
  unit: string;
  now?: () => number;
};

/** Prints "<label>: 120,000 rows (48,000 rows/s)" about once a second on long work. */
export class Progress {
  private readonly start: number;
  private last: number;
  private printed = false;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.start = this.now();
    this.last = this.start;
  }

  tick(count: number): void {
    if (!this.options.enabled) return;
    const t = this.now();
    if (t - this.last < 1000) return;
    this.last = t;
    this.print(count, t);
  }

  finish(count: number): void {
    if (!this.options.enabled || !this.printed) return;
    this.print(count, this.now());
    if (this.options.overwrite) this.options.out.write('\n');
  }

  private print(count: number, t: number): void {
    const seconds = Math.max((t - this.start) / 1000, 1e-3);
    const rate = Math.round(count / seconds);
    const line =
      `${sanitizeForTerminal(this.options.label)}: ${count.toLocaleString('en-US')} ` +
      `${this.options.unit} (${rate.toLocaleString('en-US')} ${this.options.unit}/s)`;
    this.options.out.write(this.options.overwrite ? `\r${line}` : `${line}\n`);
    this.printed = true;
  }
}

/**
 * Progress on a command's stderr: shown when it is a terminal (one line, overwritten) or when
 * the user asked for it with --progress (a line per update, for logs).
 */
export function stderrProgress(stderr: Writable, options: { asked: boolean; label: string; unit: string }): Progress {
  const tty = Boolean((stderr as { isTTY?: boolean }).isTTY);
  return new Progress({
    out: stderr,
    enabled: options.asked || tty,
    overwrite: tty,
    label: options.label,
    unit: options.unit,
  });
}

/**
 * Long loops here read and write synchronously in chunks, so without a pause the event loop
 * never runs a signal handler (Ctrl-C would kill the process before temp files are removed).
 * Call `maybe()` once per item: it yields a macrotask turn about every 50 ms.
 */
export class TurnYielder {
  private last = Date.now();

  async maybe(): Promise<void> {
    const t = Date.now();
    if (t - this.last < 50) return;
    this.last = t;
    await nextTurn();
  }
}
