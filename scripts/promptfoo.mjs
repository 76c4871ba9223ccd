#!/usr/bin/env node
// Runs the pinned promptfoo with every network call switched off and its state kept in
// .promptfoo/ (gitignored), so nothing waits on a network this machine does not have.
// `--report` makes assertion failures informative (exit 0) while lost answers still fail.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const offline = {
  PROMPTFOO_DISABLE_TELEMETRY: '1',
  PROMPTFOO_DISABLE_UPDATE: '1',
  PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
  PROMPTFOO_DISABLE_SHARING: '1',
  PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
  PROMPTFOO_CONFIG_DIR: join(root, '.promptfoo'),
};
const args = process.argv.slice(2);
const report = args.includes('--report');
const env = { ...offline, ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--disable-warning=ExperimentalWarning'].filter(Boolean).join(' ') };
// promptfoo sets exit 100 when pass rate < threshold; 0 means "never", leaving our hook's exit code.
if (report) env.PROMPTFOO_PASS_RATE_THRESHOLD = '0';

const cli = join(root, 'node_modules/promptfoo/dist/src/entrypoint.js');
const child = spawn(process.execPath, [cli, ...args.filter((a) => a !== '--report')], { stdio: 'inherit', env, cwd: process.cwd() });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
