import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The promptfoo config a run was started with, as the user named it, and the folder every relative
 * path in it is read from.
 *
 * Why argv: promptfoo 0.121 passes the config's folder to providers (`config.basePath`), but not
 * to assertions (their context has no path), test generators (they get only their `config`) or
 * extension hooks (`afterAll` gets the resolved config without its path). promptfoo keeps the
 * folder in its CLI's module-private state, which the package's library entry does not share. All of them
 * run in the CLI's own process, so the `-c` value is in process.argv, and promptfoo's rules for it
 * are simple: the first `-c`/`--config` value; a folder stands for its promptfooconfig.*; none
 * means promptfooconfig.* in the working directory; relative paths resolve against the folder of
 * the first config (`path.dirname(configPaths[0])`), which is what providers get as `basePath`.
 */
export type ConfigLocation = {
  /** The config file as the user gave it (`suites/my.yaml`), for messages. */
  file: string;
  /** Absolute folder relative paths in the config are read from. */
  dir: string;
  /** False when no `-c` was given (promptfoo's default config, or a Node API run). */
  fromFlag: boolean;
};

/** promptfoo's DEFAULT_CONFIG_EXTENSIONS, in its search order. */
const CONFIG_EXTENSIONS = ['yaml', 'yml', 'json', 'cjs', 'cts', 'js', 'mjs', 'mts', 'ts'];

/** The first value of `-c`/`--config` in a promptfoo command line, or null. */
export function configFlag(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return null;
    if (arg === '-c' || arg === '--config') return argv[i + 1] ?? null;
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
    // commander also reads a value glued to a short flag: -csuite.yaml
    if (arg.startsWith('-c') && !arg.startsWith('--') && arg.length > 2) return arg.slice(2);
  }
  return null;
}

function defaultConfigIn(dir: string, cwd: string): string | null {
  for (const ext of CONFIG_EXTENSIONS) {
    const candidate = join(dir, `promptfooconfig.${ext}`);
    if (existsSync(resolve(cwd, candidate))) return candidate;
  }
  return null;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const memo = new Map<string, ConfigLocation>();

/**
 * Where the running promptfoo command's config is, by promptfoo's own rules (see ConfigLocation).
 * Remembered per command line and folder: assertions ask once per row.
 */
export function configLocation(argv: readonly string[] = process.argv, cwd: string = process.cwd()): ConfigLocation {
  const key = `${cwd}\u0000${argv.join('\u0000')}`;
  let found = memo.get(key);
  if (!found) {
    found = locate(argv, cwd);
    memo.set(key, found);
  }
  return found;
}

function locate(argv: readonly string[], cwd: string): ConfigLocation {
  const flag = configFlag(argv.slice(2));
  if (flag === null) {
    return { file: defaultConfigIn('', cwd) ?? 'promptfooconfig.yaml', dir: cwd, fromFlag: false };
  }
  const file = isDirectory(resolve(cwd, flag))
    ? (defaultConfigIn(flag, cwd) ?? join(flag, 'promptfooconfig.yaml'))
    : flag;
  return { file, dir: resolve(cwd, dirname(file)), fromFlag: true };
}

/** A path from the config, read as promptfoo reads `file://` paths: relative to the config's folder. */
export function resolveFromConfig(path: string, location: Pick<ConfigLocation, 'dir'> = configLocation()): string {
  return isAbsolute(path) ? path : resolve(location.dir, path);
}
