import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { StratalignError } from '../../shared/errors.js';
import { closestName } from '../../shared/closest-name.js';
import type { ConfigLocation } from '../../shared/config-location.js';

/**
 * Top-level keys promptfoo reads (UnifiedConfigSchema of promptfoo 0.121.20 to 0.123.1). promptfoo
 * ignores every other key without a word, so `defaultTests:` silently drops every assertion.
 */
export const PROMPTFOO_TOP_LEVEL_KEYS = [
  'description',
  'tags',
  'providers',
  'targets',
  'prompts',
  'tests',
  'scenarios',
  'defaultTest',
  'outputPath',
  'sharing',
  'nunjucksFilters',
  'env',
  'derivedMetrics',
  'extensions',
  'metadata',
  'redteam',
  'writeLatestResults',
  'tracing',
  'evaluateOptions',
  'commandLineOptions',
] as const;

/** Keys of a promptfoo test case (TestCaseSchema), which `defaultTest` and inline tests use. */
export const PROMPTFOO_TEST_KEYS = [
  'description',
  'vars',
  'provider',
  'providers',
  'prompts',
  'providerOutput',
  'assert',
  'assertScoringFunction',
  'options',
  'threshold',
  'metadata',
] as const;

/** A `tests:` entry that loads tests from a file or a generator. */
const TEST_SOURCE_KEYS = ['path', 'config'] as const;

type Raw = Record<string, unknown>;

function unknownKeys(
  object: Raw,
  known: readonly string[],
  where: string,
  file: string,
  note: string,
): StratalignError[] {
  return Object.keys(object)
    .filter((key) => !known.includes(key) && !key.startsWith('$'))
    .map((key) => {
      const hint = closestName(key, known);
      return new StratalignError(
        { file, field: where ? `${where}.${key}` : key },
        `unknown key (${note})`,
        hint ? `did you mean ${hint}?` : `use only ${known.join(', ')}`,
      );
    });
}

const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Keys promptfoo would ignore in the config file: at the top level, in `defaultTest` and in inline
 * tests. Only YAML and JSON configs are read (a JS/TS config is code, checked by promptfoo itself).
 */
export function checkConfigKeys(
  location: Pick<ConfigLocation, 'file' | 'dir'>,
  cwd = process.cwd(),
): StratalignError[] {
  const path = resolve(cwd, location.file);
  if (!/\.(ya?ml|json)$/i.test(location.file) || !existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = load(readFileSync(path, 'utf8'));
  } catch {
    return []; // promptfoo has already read this file; a syntax error never gets this far
  }
  if (!isObject(raw)) return [];
  const file = location.file;
  const problems = unknownKeys(raw, PROMPTFOO_TOP_LEVEL_KEYS, '', file, 'promptfoo ignores it');
  if (isObject(raw.defaultTest))
    problems.push(...unknownKeys(raw.defaultTest, PROMPTFOO_TEST_KEYS, 'defaultTest', file, 'promptfoo ignores it'));
  if (Array.isArray(raw.tests)) {
    raw.tests.forEach((test, i) => {
      if (!isObject(test)) return;
      const known = 'path' in test ? TEST_SOURCE_KEYS : PROMPTFOO_TEST_KEYS;
      problems.push(...unknownKeys(test, known, `tests[${i}]`, file, 'promptfoo ignores it'));
    });
  }
  return problems;
}

/** Whether the config file names the alignment assertion at all (a collection run need not). */
export function configMentionsAlignment(location: Pick<ConfigLocation, 'file'>, cwd = process.cwd()): boolean {
  const path = resolve(cwd, location.file);
  return existsSync(path) && /assertions\/alignment\.ts:alignment/.test(readFileSync(path, 'utf8'));
}
