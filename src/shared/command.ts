import type { Readable, Writable } from 'node:stream';

/** Streams a command talks to; tests pass their own so no process state is touched. */
export type CommandIO = {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Working directory that relative paths in arguments are resolved against. */
  cwd: string;
};

export type Command = {
  name: string;
  /** One line for `stratalign --help`. */
  summary: string;
  /** Full usage text for `stratalign <name> --help` and usage errors. */
  usage: string;
  /** Returns the process exit code: 0 success, 1 a negative verdict or failed run, 2 bad usage. */
  run(args: string[], io: CommandIO): Promise<number>;
};

/** Thrown by commands for bad arguments; main prints the message with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
