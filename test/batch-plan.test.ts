// The collection plan: custom_ids, validation of the CLI's choices, request lines, and the plan file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchApi } from '../src/sources/batch/api.js';
import { Collection } from '../src/sources/batch/collection.js';
import { customIdFor } from '../src/sources/batch/custom-id.js';
import { CUSTOM_ID_PATTERN } from '../src/sources/batch/limits.js';
import { buildPlan, type PlanInput } from '../src/sources/batch/plan-builder.js';
import { writePlan } from '../src/sources/batch/plan-file.js';
import { indexItems, loadPlan, planItems } from '../src/sources/batch/plan.js';
import { anthropicRequestLine } from '../src/sources/batch/wire-anthropic.js';
import { openAIRequestLine } from '../src/sources/batch/wire-openai.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { expandGrid, resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();
const input = (extra: Partial<PlanInput> = {}): PlanInput => ({
  provider: 'openai',
  model: 'gpt-teacher',
  protocol: 'reasoned',
  samples: 3,
  scenarios: ['biz/prison', 'IR/staghunt@x2'].map((name) => ({
    scenario: resolveScenario(catalogue, name),
    split: 'in-sample',
  })),
  now: new Date('2026-01-02T03:04:05Z'),
  ...extra,
});
const noApi = {} as BatchApi;

describe('custom_id', () => {
  it('is readable, within the APIs rule, unique over the whole grid and maps back to its scenario and sample', () => {
    const scenarios = expandGrid(catalogue, { payoffScales: [1, 2] }).map((scenario) => ({
      scenario,
      split: scenario.context.split,
    }));
    const plan = buildPlan(input({ scenarios, samples: 300 }), catalogue);
    const items = planItems(plan, catalogue);
    expect(items).toHaveLength(scenarios.length * 300);
    const index = indexItems(items);
    expect(index.size).toBe(items.length);
    expect(items.filter((item) => !CUSTOM_ID_PATTERN.test(item.customId))).toEqual([]);
    expect(items.filter((item) => index.get(item.customId) !== item)).toEqual([]);
    expect(customIdFor('business/prisoners-dilemma@x2', 17)).toBe('business_prisoners-dilemma_x2_17');
    expect(customIdFor('business/prisoners-dilemma', 0)).toBe('business_prisoners-dilemma_0');
    expect(customIdFor('team/stag-hunt@x1.5', 4)).toBe('team_stag-hunt_x1p5_4');
  });

  it('falls back to a stable hash when the readable id would be longer than 64 characters', () => {
    const long = `${'very-long-context-name-'.repeat(2)}x/${'very-long-game-name-'.repeat(2)}y`;
    const id = customIdFor(long, 299);
    expect(id).toMatch(CUSTOM_ID_PATTERN);
    expect(id).toMatch(/^h[0-9a-f]{16}_299$/);
    expect(customIdFor(long, 299)).toBe(id);
    expect(customIdFor(`${long}z`, 299)).not.toBe(id);
  });
});

describe('buildPlan', () => {
  it('rejects what the APIs would reject for every request, naming the option', () => {
    expect(() => buildPlan(input({ provider: 'anthropic' }), catalogue)).toThrow(
      /--max-tokens: Anthropic's Messages API requires max_tokens/,
    );
    expect(() => buildPlan(input({ provider: 'anthropic', sampling: { max_tokens: 5, seed: 1 } }), catalogue)).toThrow(
      /--seed: Anthropic's Messages API has no seed parameter \(got 1\)/,
    );
    expect(() =>
      buildPlan(input({ provider: 'anthropic', sampling: { max_tokens: 5, temperature: 1.5 } }), catalogue),
    ).toThrow(/--temperature: temperature must be at most 1 for anthropic \(got 1.5\)/);
    const twice = input().scenarios.concat(input().scenarios.slice(0, 1));
    expect(() => buildPlan(input({ scenarios: twice }), catalogue)).toThrow(
      /--scenario: scenario selected twice \(got "business\/prisoners-dilemma"\)/,
    );
    expect(() => buildPlan(input({ protocol: 'chatty' }), catalogue)).toThrow(/--protocol: unknown prompt protocol/);
    expect(() => buildPlan(input({ samples: 0 }), catalogue)).toThrow(/--samples/);
    const pasted = 'sk-proj-9f8e7d6c5b4a';
    expect(() => buildPlan(input({ apiKeyEnv: pasted }), catalogue)).toThrow(
      /--api-key-env: must be the NAME of an environment variable, never the key itself/,
    );
    expect(() => buildPlan(input({ apiKeyEnv: pasted }), catalogue)).not.toThrow(new RegExp(pasted));
  });

  it('fills the provider defaults and keeps the key out of the plan (only the env var name)', () => {
    const plan = buildPlan(input(), catalogue);
    expect(plan).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      label: 'gpt-teacher',
      role: null,
      catalogue: catalogue.version,
    });
    expect(buildPlan(input({ provider: 'anthropic', sampling: { max_tokens: 9 } }), catalogue)).toMatchObject({
      baseUrl: 'https://api.anthropic.com',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
    });
  });
});

describe('request lines', () => {
  it('OpenAI: the rendered chat messages, the sampling options, and the seed offset by the sample index', () => {
    const plan = buildPlan(input({ sampling: { temperature: 0.7, max_tokens: 400, seed: 7 } }), catalogue);
    const items = planItems(plan, catalogue);
    const line = openAIRequestLine(items[2]!, plan) as any;
    expect(line).toMatchObject({
      custom_id: 'business_prisoners-dilemma_2',
      method: 'POST',
      url: '/v1/chat/completions',
    });
    expect(line.body).toEqual({
      model: 'gpt-teacher',
      messages: items[2]!.prompt.messages,
      temperature: 0.7,
      max_tokens: 400,
      seed: 9,
    });
    expect((openAIRequestLine(items[0]!, plan) as any).body.seed).toBe(7);
  });

  it('Anthropic: the system text apart from the messages, max_tokens always, no seed', () => {
    const plan = buildPlan(input({ provider: 'anthropic', sampling: { max_tokens: 5, top_p: 0.9 } }), catalogue);
    const item = planItems(plan, catalogue)[4]!;
    const line = anthropicRequestLine(item, plan) as any;
    expect(line.custom_id).toBe('international-relations_stag-hunt_x2_1');
    expect(line.params).toEqual({
      model: 'gpt-teacher',
      max_tokens: 5,
      top_p: 0.9,
      system: item.prompt.system,
      messages: [{ role: 'user', content: item.prompt.user }],
    });
    expect(item.prompt.user).toContain('10 points');
  });
});

describe('plan file', () => {
  it('is written once; the same plan again is a no-op, a different one an error naming the fields', async () => {
    const dir = tempDir();
    const plan = buildPlan(input(), catalogue);
    const items = planItems(plan, catalogue);
    expect((await writePlan(dir, plan, items)).written).toBe(true);
    expect((await writePlan(dir, { ...plan, createdAt: '2030-01-01T00:00:00.000Z' }, items)).written).toBe(false);
    // The base URL alone may differ: a wrong one is corrected in the journal, not by a new plan.
    expect((await writePlan(dir, { ...plan, baseUrl: 'http://127.0.0.1:9/v1' }, items)).written).toBe(false);
    const other = { ...plan, samplesPerScenario: 4, model: 'other' };
    await expect(writePlan(dir, other, planItems(other, catalogue))).rejects.toThrow(
      new RegExp(
        String.raw`plan.json: model, samplesPerScenario: this directory already holds a collection with a ` +
          String.raw`different plan.*new --dir`,
      ),
    );
    const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n');
    expect(journal).toHaveLength(1);
    expect(JSON.parse(journal[0]!)).toMatchObject({ type: 'plan', items: 6, provider: 'openai', model: 'gpt-teacher' });
  });

  it('refuses a plan edited after the collection started, and one from another catalogue version', async () => {
    const dir = tempDir();
    const plan = buildPlan(input(), catalogue);
    await writePlan(dir, plan, planItems(plan, catalogue));
    const file = join(dir, 'plan.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"samplesPerScenario": 3', '"samplesPerScenario": 30'));
    await expect(Collection.open({ dir, api: noApi, catalogue })).rejects.toThrow(
      /plan.json: the plan changed after the collection started/,
    );
    writeFileSync(file, original.replace(catalogue.version, 'games@0+contexts@0+protocols@0'));
    expect(() => loadPlan(dir, catalogue)).toThrow(
      /rendered from catalogue games@0\+contexts@0\+protocols@0, but the installed catalogue is/,
    );
  });
});
