import { sanitizeForTerminal } from '../shared/terminal.js';
import { isStratalignError } from '../shared/errors.js';
import { UsageError, type Command, type CommandIO } from '../shared/command.js';
import { COMMANDS } from './commands.js';

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: stratalign <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `stratalign <command> --help` for its options.',
    '',
  ].join('\n');
}

/**
 * Runs one CLI invocation and returns its exit code; never throws for user errors.
 * `extraCommands` are commands built outside the core (bin/stratalign.mjs adds `batch`, which needs the SDK adapters).
 */
export async function runCli(argv: string[], io: CommandIO, extraCommands: readonly Command[] = []): Promise<number> {
  const commands = [...COMMANDS, ...extraCommands];
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `stratalign: unknown command ${sanitizeForTerminal(JSON.stringify(name))}.\n\n${helpText(commands)}`,
    );
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
      io.stderr.write(`stratalign ${name}: ${safeLines(err.message)}\n\n${command.usage.trimEnd()}\n`);
      return 2;
    }
    if (isStratalignError(err)) {
      io.stderr.write(`stratalign ${name}: ${safeLines(err.message)}\n`);
      return 2;
    }
    throw err;
  }
}

/** Error text can quote user data; our own line breaks stay, anything that could drive the terminal goes. */
function safeLines(text: string): string {
  return text.split('\n').map(sanitizeForTerminal).join('\n');
}
