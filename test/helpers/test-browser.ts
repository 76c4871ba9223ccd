import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Names a Chromium for the browser tests when the bundled one does not fit this machine. */
export const BROWSER_ENV = 'STRATALIGN_CHROMIUM';

/** Where a usable Chromium comes from, in the order they are tried. */
export type BrowserChoice =
  | { source: 'env'; path: string }
  | { source: 'bundled' }
  | { source: 'system'; path: string }
  | { source: 'none'; reason: string };

// Only where @sparticuz/chromium ships no binary (it is linux-x64 only) do we look for an installed one.
const SYSTEM_CHROMIUMS: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'],
  darwin: [
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
};

/** Picks the browser: the env var if set, else the npm-installed one where it runs, else an installed one. */
export function chooseBrowser(
  env: Record<string, string | undefined>,
  platform: string,
  arch: string,
  exists: (path: string) => boolean,
): BrowserChoice {
  const named = env[BROWSER_ENV]?.trim();
  if (named && exists(named)) return { source: 'env', path: named };
  if (named) return { source: 'none', reason: `${BROWSER_ENV}=${named} does not exist` };
  if (platform === 'linux' && arch === 'x64') return { source: 'bundled' };
  const found = (SYSTEM_CHROMIUMS[platform] ?? []).find(exists);
  if (found) return { source: 'system', path: found };
  const reason = `@sparticuz/chromium ships no browser for ${platform}-${arch} and no installed Chromium was found`;
  return { source: 'none', reason };
}

/** One line out of Playwright's launch error: its headline and what the browser itself said, not the call log. */
export function launchFailureLine(message: string): string {
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  const headline = plain
    .split('\n')[0]!
    .replace(/^browserType\.launch:\s*/, '')
    .trim();
  const said = /\[pid=\d+\]\[err\] (.+)/.exec(plain)?.[1]?.trim();
  const exit = /exitCode=(\d+)/.exec(plain)?.[1];
  return [headline, said && `browser said: ${said}`, exit && `exit code ${exit}`].filter(Boolean).join('; ');
}

/** An error whose whole printout is its message: the test fails on one line, not on a launch stack trace. */
function oneLineError(message: string): Error {
  const err = new Error(message);
  err.stack = `Error: ${message}`;
  return err;
}

function bundledVersion(): string {
  // The package's exports map hides its package.json, so walk up from its entry point.
  let dir = dirname(fileURLToPath(import.meta.resolve('@sparticuz/chromium')));
  while (dirname(dir) !== dir) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@sparticuz/chromium' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the version of @sparticuz/chromium');
}

/** Staging folders of unpacks that were interrupted (their process is gone) would keep 200 MB each. */
export function removeAbandonedStaging(home: string): void {
  const prefix = `${basename(home)}.partial-`;
  for (const name of readdirSync(dirname(home))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    rmSync(join(dirname(home), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Unpacks the npm-installed Chromium once per version (about 200 MB, a few seconds) into the OS temp dir.
 * The package unpacks into `os.tmpdir()` itself and trusts any `chromium` file it finds there, which on a
 * shared machine may be another version's or half written by a parallel run; so it unpacks into a private
 * staging folder that is then renamed into place in one step, and a complete folder is reused as it is.
 */
async function unpackBundled(version: string): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const home = join(tmpdir(), `stratalign-chromium-${version}-${uid}`);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return binary;
  removeAbandonedStaging(home);
  const staging = `${home}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  const saved = process.env.TMPDIR;
  try {
    process.env.TMPDIR = staging; // os.tmpdir() reads it on every call
    const { default: Chromium } = await import('@sparticuz/chromium');
    const unpacked = await Chromium.executablePath();
    if (unpacked !== join(staging, 'chromium')) {
      throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not ${staging}`);
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    renameSync(staging, home);
  } catch (err) {
    // A parallel run got there first: its folder is complete, because it too arrived by rename.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw err;
  }
  return binary;
}

// Without the networking switches Chromium keeps dialling Google's hosts, which this offline machine refuses.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface TestBrowser {
  browser: Browser;
  /** Which Chromium runs, for the test output: source, version and path. */
  description: string;
}

/** Starts headless Chromium for a browser test, or fails with one line saying why and how to point at another. */
export async function launchTestBrowser(): Promise<TestBrowser> {
  const choice = chooseBrowser(process.env, process.platform, process.arch, existsSync);
  const fix = `set ${BROWSER_ENV}=/path/to/chromium to use a local Chromium`;
  if (choice.source === 'none') throw oneLineError(`No browser for the HTML-report test: ${choice.reason}; ${fix}.`);
  let path: string;
  let source: string;
  try {
    if (choice.source === 'bundled') {
      const version = bundledVersion();
      path = await unpackBundled(version);
      source = `@sparticuz/chromium ${version} from npm`;
    } else {
      path = choice.path;
      source = choice.source === 'env' ? `${BROWSER_ENV}` : 'installed Chromium';
    }
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw oneLineError(`Could not unpack @sparticuz/chromium for the HTML-report test (${why}); ${fix}.`);
  }
  try {
    const browser = await chromium.launch({ executablePath: path, args: ARGS, timeout: 90_000 });
    return { browser, description: `${source}: Chromium ${browser.version()} at ${path}` };
  } catch (err) {
    const why = launchFailureLine(err instanceof Error ? err.message : String(err));
    throw oneLineError(`Chromium (${source}, ${path}) did not start: ${why}; ${fix}.`);
  }
}
