import type { Command } from '../shared/command.js';
import { convertCommand } from './convert-command.js';
import { exportCommand } from './export-command.js';
import { gateCommand } from './gate-command.js';
import { referenceCommand } from './reference-command.js';
import { parseCommand } from './parse-command.js';
import { reportCommand } from './report-command.js';
import { sequentialCommand } from './sequential-command.js';

/** Every CLI command, in the order `stratalign --help` lists them. */
export const COMMANDS: readonly Command[] = [
  parseCommand,
  sequentialCommand,
  convertCommand,
  referenceCommand,
  exportCommand,
  reportCommand,
  gateCommand,
];
