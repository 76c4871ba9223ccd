import { isStratalignError } from '../errors.js';
import { UsageError, type CommandIO } from './command.js';
import { COMMANDS } from './commands.js';

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: stratalign <command> [options]', '', 'Commands:', ...lines, '', 'Run `stratalign <command> --help` for its options.', ''].join('\n');
}

/** Runs one CLI invocation and returns its exit code; never throws for user errors. */
export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`stratalign: unknown command ${JSON.stringify(name)}.\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`stratalign ${name}: ${err.message}\n\n${command.usage.trimEnd()}\n`);
      return 2;
    }
    if (isStratalignError(err)) {
      io.stderr.write(`stratalign ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
