import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BROWSER_ENV,
  chooseBrowser,
  launchFailureLine,
  launchTestBrowser,
  removeAbandonedStaging,
} from './helpers/test-browser.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const none = () => false;

describe('which Chromium the browser tests use', () => {
  it('uses the npm-installed Chromium on linux-x64 even where a system one is installed', () => {
    expect(chooseBrowser({}, 'linux', 'x64', () => true)).toEqual({ source: 'bundled' });
  });

  it('lets the env var override the bundled one, and refuses a path that is not there', () => {
    const there = (p: string) => p === '/opt/chrome/chrome';
    const named = chooseBrowser({ [BROWSER_ENV]: '/opt/chrome/chrome' }, 'linux', 'x64', there);
    expect(named).toEqual({ source: 'env', path: '/opt/chrome/chrome' });
    const missing = chooseBrowser({ [BROWSER_ENV]: '/nowhere/chrome' }, 'linux', 'x64', there);
    expect(missing).toEqual({ source: 'none', reason: `${BROWSER_ENV}=/nowhere/chrome does not exist` });
  });

  it('falls back to an installed Chromium where the package ships none, and says so when there is none', () => {
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(chooseBrowser({}, 'darwin', 'arm64', (p) => p === mac)).toEqual({ source: 'system', path: mac });
    const arm = chooseBrowser({}, 'linux', 'arm64', (p) => p === '/usr/bin/chromium');
    expect(arm).toEqual({ source: 'system', path: '/usr/bin/chromium' });
    const win = chooseBrowser({}, 'win32', 'x64', none);
    expect(win.source).toBe('none');
    expect(win.source === 'none' && win.reason).toMatch(/ships no browser for win32-x64/);
  });
});

describe('a browser that does not start', () => {
  const saved = process.env[BROWSER_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[BROWSER_ENV];
    else process.env[BROWSER_ENV] = saved;
  });

  it('keeps what the browser said from Playwright launch error, dropping the call log and colour codes', () => {
    const message = [
      'browserType.launch: Target page, context or browser has been closed',
      'Browser logs:',
      '',
      '<launching> /x/chromium --headless --no-sandbox',
      '<launched> pid=11467',
      '[pid=11467][err] /x/chromium: error while loading shared libraries: libnss3.so: cannot open shared object',
      'Call log:',
      '\u001b[2m  - <launching> /x/chromium --headless\u001b[22m',
      '\u001b[2m  - [pid=11467] <process did exit: exitCode=127, signal=null>\u001b[22m',
    ].join('\n');
    expect(launchFailureLine(message)).toBe(
      'Target page, context or browser has been closed; ' +
        'browser said: /x/chromium: error while loading shared libraries: libnss3.so: cannot open shared object; ' +
        'exit code 127',
    );
  });

  it('fails on one line naming the browser, the cause and the env var, not a launch stack trace', async () => {
    const fake = join(tempDir(), 'chromium');
    const say = 'echo "$0: error while loading shared libraries: libnss3.so: not found" >&2';
    writeFileSync(fake, `#!/bin/sh\n${say}\nexit 127\n`);
    chmodSync(fake, 0o755);
    process.env[BROWSER_ENV] = fake;
    const err = await launchTestBrowser().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toBe(
      `Chromium (${BROWSER_ENV}, ${fake}) did not start: Target page, context or browser has been closed; ` +
        `browser said: ${fake}: error while loading shared libraries: libnss3.so: not found; exit code 127; ` +
        `set ${BROWSER_ENV}=/path/to/chromium to use a local Chromium.`,
    );
    expect(err!.stack).toBe(`Error: ${err!.message}`);
  });

  it('names a missing env-var browser instead of launching anything', async () => {
    process.env[BROWSER_ENV] = join(tempDir(), 'no-such-chromium');
    await expect(launchTestBrowser()).rejects.toThrow(
      new RegExp(
        `^No browser for the HTML-report test: ${BROWSER_ENV}=.*no-such-chromium does not exist; ` +
          `set ${BROWSER_ENV}=`,
      ),
    );
  });
});

describe('unpacking the npm-installed Chromium', () => {
  it('removes staging folders of interrupted unpacks, not those of running ones or of other versions', () => {
    const dir = tempDir();
    const home = join(dir, 'stratalign-chromium-1.0.0-0');
    const dead = `${home}.partial-2147483646-1`; // above Linux's largest pid, so no process has it
    const running = `${home}.partial-${process.pid}-1`;
    const other = join(dir, 'stratalign-chromium-2.0.0-0.partial-2147483646-1');
    for (const d of [dead, running, other]) mkdirSync(join(d, 'fonts'), { recursive: true });
    removeAbandonedStaging(home);
    expect([dead, running, other].map((d) => existsSync(d))).toEqual([false, true, true]);
  });
});
