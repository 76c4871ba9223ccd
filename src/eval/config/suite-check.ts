import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { isStratalignError, StratalignError } from '../../shared/errors.js';
import { closestName } from '../../shared/closest-name.js';
import { cachedReference } from '../../recordings/reference/reference-cache.js';
import { resolveScenario } from '../../catalogue/scenarios/scenario.js';
import { parseAlignmentConfig } from '../scoring/assertion-config.js';
import { configErrorLine } from './config-error.js';
import type { ConfigLocation } from '../../shared/config-location.js';

/** What the check reads of a loaded promptfoo suite; promptfoo's own types stay out of the core. */
export type ProviderLike = { id?: () => string; label?: string; config?: unknown; configError?: string };
export type AssertionLike = { type?: unknown; value?: unknown; config?: unknown; metric?: unknown };
export type TestLike = { description?: unknown; vars?: Record<string, unknown>; assert?: readonly AssertionLike[] };
export type PromptLike = { raw?: unknown; label?: unknown; config?: unknown };
export type SuiteLike = {
  providers?: readonly ProviderLike[];
  prompts?: readonly PromptLike[];
  tests?: readonly TestLike[];
  defaultTest?: unknown;
};

/** promptfoo keeps a prompt function's source as the prompt's `raw`. */
const SCENARIO_PROMPT = /\bfunction scenarioPrompt\b/;

const ALIGNMENT = /(^|[\\/])assertions[\\/]alignment\.ts:alignment$/;
const REPLAY = /(^|[\\/])providers[\\/]replay\.ts$/;
const LIVE = /(^|[\\/])providers[\\/](openai-compatible|anthropic)\.ts$/;

export function isAlignmentAssertion(a: AssertionLike): boolean {
  return typeof a.value === 'string' && ALIGNMENT.test(a.value);
}

/** Every alignment assertion of the suite with where it sits, defaultTest first. */
export function alignmentAssertions(suite: SuiteLike): { where: string; assertion: AssertionLike }[] {
  const defaults =
    suite.defaultTest && typeof suite.defaultTest === 'object' ? ((suite.defaultTest as TestLike).assert ?? []) : [];
  return [
    ...defaults.filter(isAlignmentAssertion).map((assertion) => ({ where: 'defaultTest', assertion })),
    ...(suite.tests ?? []).flatMap((t, i) =>
      (t.assert ?? []).filter(isAlignmentAssertion).map((assertion) => ({ where: `tests[${i}]`, assertion })),
    ),
  ];
}

type CheckOptions = {
  location: Pick<ConfigLocation, 'file' | 'dir'>;
  catalogue: Catalogue;
  env?: Record<string, string | undefined>;
  cwd?: string;
};

/**
 * Config problems that would fail every row they touch, found before any model is called: provider
 * configs our providers refused, recordings and references that are not there, API keys that are
 * not set, alignment assertion configs that do not validate, scenario names that do not resolve.
 * One line each, naming the config as given to -c, the key and the fix.
 */
export function checkSuite(
  suite: SuiteLike,
  { location, catalogue, env = process.env, cwd = process.cwd() }: CheckOptions,
): string[] {
  const lines: string[] = [];
  const add = (err: unknown) => {
    if (!isStratalignError(err)) throw err;
    lines.push(configErrorLine(err, location));
  };
  const shown = (path: string) => relative(cwd, path) || path;

  for (const provider of suite.providers ?? []) {
    const id = provider.id?.() ?? '';
    const name = provider.label ?? id;
    if (provider.configError) {
      lines.push(provider.configError);
      continue;
    }
    const config = (provider.config ?? {}) as {
      recording?: unknown;
      basePath?: unknown;
      apiKeyEnv?: unknown;
      extractor?: { apiKeyEnv?: unknown } | null;
    };
    if (REPLAY.test(id) && typeof config.recording === 'string') {
      const path = resolve(cwd, typeof config.basePath === 'string' ? config.basePath : location.dir, config.recording);
      if (!existsSync(path)) {
        add(
          new StratalignError(
            { field: `providers[${name}].config.recording`, value: config.recording },
            `no such file (looked for ${shown(path)})`,
            relativeFix(location, cwd),
          ),
        );
      }
    }
    if (LIVE.test(id) && typeof config.apiKeyEnv === 'string' && !(env[config.apiKeyEnv] ?? '').trim()) {
      const state = env[config.apiKeyEnv] === undefined ? 'is not set' : 'is empty';
      add(
        new StratalignError(
          { field: `providers[${name}].config.apiKeyEnv` },
          `the environment variable ${config.apiKeyEnv} ${state}, so every call would fail`,
          `export ${config.apiKeyEnv}=<your key> before the run (keys are read only from the environment), or set ` +
            `apiKeyEnv: null for a keyless local server`,
        ),
      );
    }
    const extractorKey = config.extractor?.apiKeyEnv;
    if (LIVE.test(id) && typeof extractorKey === 'string' && !(env[extractorKey] ?? '').trim()) {
      // Without its key every extractor call fails: the answers it should read would stay unread.
      add(
        new StratalignError(
          { field: `providers[${name}].config.extractor.apiKeyEnv` },
          `the environment variable ${extractorKey} ` +
            `${env[extractorKey] === undefined ? 'is not set' : 'is empty'}, so every extractor call would fail`,
          `export ${extractorKey}=<your key> before the run, or set extractor.apiKeyEnv: null for a ` +
            `keyless local server`,
        ),
      );
    }
  }

  for (const prompt of suite.prompts ?? []) {
    if (typeof prompt.raw !== 'string' || !SCENARIO_PROMPT.test(prompt.raw)) continue;
    try {
      checkScenarioPrompt(prompt, suite.tests ?? [], catalogue, location.file);
    } catch (err) {
      add(err);
    }
  }

  const seen = new Set<string>();
  for (const { assertion } of alignmentAssertions(suite)) {
    const key = JSON.stringify(assertion.config ?? null);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      const config = parseAlignmentConfig(assertion.config, location.file);
      const path = resolve(location.dir, config.reference);
      if (!existsSync(path)) {
        throw new StratalignError(
          { file: location.file, field: 'assert[alignment].config.reference', value: config.reference },
          `no such file (looked for ${shown(path)})`,
          relativeFix(location, cwd),
        );
      }
      cachedReference(
        config.reference,
        config.referenceModel ? { model: config.referenceModel } : { role: config.referenceRole ?? 'teacher' },
        catalogue,
        location.dir,
      );
    } catch (err) {
      add(err);
    }
  }

  (suite.tests ?? []).forEach((test, i) => {
    const scenario = test.vars?.scenario;
    if (typeof scenario !== 'string') return;
    const description =
      typeof test.description === 'string' && test.description !== scenario ? ` (${test.description})` : '';
    try {
      resolveScenario(catalogue, scenario, { file: location.file, field: `tests[${i}]${description}.vars.scenario` });
    } catch (err) {
      add(err);
    }
  });
  return [...new Set(lines)];
}

/** The scenario prompt needs its protocol: on the prompt entry, or in every test's vars. */
function checkScenarioPrompt(prompt: PromptLike, tests: readonly TestLike[], catalogue: Catalogue, file: string): void {
  const field = `prompts[${String(prompt.label ?? 'scenarioPrompt')}].config`;
  const config = (prompt.config ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(config).filter((k) => k !== 'protocol');
  if (unknown.length) {
    const hint = closestName(unknown[0]!, ['protocol']);
    throw new StratalignError(
      { file, field: `${field}.${unknown[0]}` },
      'unknown key',
      `${hint ? `did you mean ${hint}? ` : ''}the scenario prompt takes only config: { protocol: reasoned | ` +
        `letter-only }`,
    );
  }
  if (config.protocol !== undefined) {
    catalogue.protocol(String(config.protocol), { file, field: `${field}.protocol` });
    return;
  }
  if (tests.length === 0 || tests.some((t) => typeof t.vars?.protocol !== 'string')) {
    throw new StratalignError(
      { file, field: `${field}.protocol` },
      'the scenario prompt has no protocol',
      'set config: { protocol: reasoned | letter-only } on the prompt entry (or vars.protocol in every test)',
    );
  }
}

function relativeFix(location: Pick<ConfigLocation, 'file' | 'dir'>, cwd: string): string {
  const folder = relative(cwd, location.dir) || '.';
  const how = 'as promptfoo reads file:// paths, or give an absolute path';
  return `write the path relative to the folder of ${location.file} (${folder}), ${how}`;
}
