import type { Command } from './command.js';
import { parseCommand } from './parse-command.js';
import { sequentialCommand } from './sequential-command.js';

/** Every CLI command, in the order `stratalign --help` lists them. */
export const COMMANDS: readonly Command[] = [parseCommand, sequentialCommand];
