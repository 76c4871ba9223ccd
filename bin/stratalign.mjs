#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so the package needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
// `batch` needs the SDK adapters, which the core (src/) may not import: it is added here.
const { batchCommand } = await import('../providers/batch/command.ts');
const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
const code = await runCli(process.argv.slice(2), io, [batchCommand]);
// Explicit exit: stdout is flushed first, and no stray handle keeps the process alive.
process.stdout.write('', () => process.exit(code));
