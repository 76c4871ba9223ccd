#!/usr/bin/env node
// Runs promptfoo with every network call switched off and its state kept in .promptfoo/
// (gitignored), so nothing waits on a network this machine does not have.
// `--report` makes assertion failures informative (exit 0) while lost answers still fail.
// For `eval` it also: names a config's YAML syntax error in one line instead of a stack trace; waits (saying so in one
// line) while another eval uses the same state folder,
// since two at once crash with SQLITE_BUSY; prints promptfoo's progress lines when stderr is not
// a terminal; and names the command that opens this project's viewer in promptfoo's closing hint.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { configFiles, yamlSyntaxError } from './config-syntax.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const defaultStateDir = join(root, '.promptfoo');
const offline = {
  PROMPTFOO_DISABLE_TELEMETRY: '1',
  PROMPTFOO_DISABLE_UPDATE: '1',
  PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
  PROMPTFOO_DISABLE_SHARING: '1',
  PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
  PROMPTFOO_CONFIG_DIR: defaultStateDir,
};
const args = process.argv.slice(2);
const report = args.includes('--report');
const isEval = args.find((a) => !a.startsWith('-')) === 'eval';
const env = {
  ...offline,
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--disable-warning=ExperimentalWarning'].filter(Boolean).join(' '),
};
// promptfoo sets exit 100 when pass rate < threshold; 0 means "never", leaving our hook's exit code.
if (report) env.PROMPTFOO_PASS_RATE_THRESHOLD = '0';
// Without a terminal promptfoo draws no progress bar; in CI mode it logs progress every 30 s instead.
if (isEval && !process.stderr.isTTY && env.CI === undefined) env.CI = '1';
const stateDir = resolve(env.PROMPTFOO_CONFIG_DIR);

/** The promptfoo to run: STRATALIGN_PROMPTFOO_DIR (a promptfoo package folder), else the one installed beside us. */
function promptfooCli() {
  let dir = process.env.STRATALIGN_PROMPTFOO_DIR;
  if (!dir) {
    // Resolved as Node resolves the peer dependency; promptfoo exports no ./package.json, so walk up to it.
    dir = dirname(createRequire(join(root, 'package.json')).resolve('promptfoo'));
    while (!isPromptfooPackage(dir) && dirname(dir) !== dir) dir = dirname(dir);
  }
  const bin = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).bin;
  return join(dir, typeof bin === 'string' ? bin : bin.promptfoo);
}

function isPromptfooPackage(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'promptfoo';
  } catch {
    return false;
  }
}

/** A folder as the user would recognise it: relative when below the working directory. */
function shown(dir) {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

/**
 * Takes the state folder's eval lock, waiting while a live process holds it. A lock left by a
 * process that no longer runs (killed, machine rebooted) is taken over.
 */
async function takeEvalLock() {
  mkdirSync(stateDir, { recursive: true });
  const lock = join(stateDir, 'stratalign-eval.lock');
  const mine = JSON.stringify({
    pid: process.pid,
    started: new Date().toISOString(),
    command: `promptfoo ${args.join(' ')}`,
    cwd: process.cwd(),
  });
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, mine);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lock, 'utf8') === mine) rmSync(lock);
        } catch {}
      };
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder = null;
    try {
      holder = JSON.parse(readFileSync(lock, 'utf8'));
    } catch {}
    if (!holder || !Number.isInteger(holder.pid) || !alive(holder.pid)) {
      rmSync(lock, { force: true }); // left behind by a process that no longer runs
      continue;
    }
    if (process.env.STRATALIGN_EVAL_LOCK === 'fail') {
      process.stderr.write(
        `stratalign: stopping: another eval (pid ${holder.pid}, \`${holder.command}\`, since ${holder.started}) ` +
          `uses ${shown(stateDir)}; two at once crash promptfoo's database (SQLITE_BUSY). Run it later, or give ` +
          `this one its own PROMPTFOO_CONFIG_DIR.\n`,
      );
      process.exit(1);
    }
    if (!told) {
      process.stderr.write(
        `stratalign: waiting for another eval (pid ${holder.pid}, \`${holder.command}\`, since ${holder.started}) ` +
          `to finish: it uses ${shown(stateDir)}, and two at once crash promptfoo's database (SQLITE_BUSY); to run ` +
          `both now, give this one its own PROMPTFOO_CONFIG_DIR.\n`,
      );
      told = true;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The command that opens promptfoo's viewer on the state folder this run wrote to. */
function viewCommand() {
  if (stateDir === defaultStateDir) return 'npm run view';
  return `PROMPTFOO_CONFIG_DIR=${stateDir} npm run view`;
}

const VIEW_HINT = /^(.*View results: )(?:\u001b\[[0-9;]*m)*promptfoo view(?:\u001b\[[0-9;]*m)*\s*$/;

if (isEval) {
  for (const file of configFiles(args)) {
    const problem = yamlSyntaxError(file);
    if (problem) {
      process.stderr.write(`${problem}\n`);
      process.exit(1);
    }
  }
}
const release = isEval ? await takeEvalLock() : () => {};
// promptfoo's colours follow its stdout, which is piped below so its closing hint can be rewritten.
if (isEval && process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined)
  env.FORCE_COLOR = '1';
const child = spawn(process.execPath, [promptfooCli(), ...args.filter((a) => a !== '--report')], {
  stdio: ['inherit', isEval ? 'pipe' : 'inherit', 'inherit'],
  env,
  cwd: process.cwd(),
});
if (isEval) {
  // "View results: promptfoo view" would open ~/.promptfoo, where this run's results are not.
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    const hint = VIEW_HINT.exec(line);
    process.stdout.write(
      hint
        ? `${hint[1]}${viewCommand()}   (promptfoo's viewer on ${shown(stateDir)}, where this run's results are)\n`
        : `${line}\n`,
    );
  });
}
child.on('exit', (code, signal) => {
  release();
  process.exitCode = signal ? 1 : (code ?? 1);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
