// The structured protocol outside the live providers: batch collection sends the schema too;
// where it would be misread it is refused with the reason and the fix; `parse --structured`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallApiContextParams } from 'promptfoo';
import { afterAll, describe, expect, it } from 'vitest';
import ReplayProvider from '../providers/replay.js';
import { buildPlan } from '../src/sources/batch/plan-builder.js';
import { planItems } from '../src/sources/batch/plan.js';
import { batchSample } from '../src/sources/batch/recording.js';
import { anthropicRequestLine, anthropicResult } from '../src/sources/batch/wire-anthropic.js';
import { openAIRequestLine } from '../src/sources/batch/wire-openai.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { loadReplaySource } from '../src/sources/replay/replay-source.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { parseSimulatedConfig } from '../src/sources/simulated/simulated-config.js';
import { run } from './helpers/run-cli.js';

const catalogue = defaultCatalogue();
const dir = mkdtempSync(join(tmpdir(), 'stratalign-structured-guards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = (text: string, protocol?: string) =>
  JSON.stringify({
    schema: 'stratalign.sample/v1',
    scenario: 'business/prisoners-dilemma',
    split: 'in-sample',
    model: 'm',
    role: 'teacher',
    text,
    parse: { ok: true, action: 'D', rule: 'structured', evidence: '' },
    provenance: { source: 'live', origin: 'test', ...(protocol ? { protocol } : {}) },
  });

describe('structured protocol guards', () => {
  it(
    'batch collection sends the schema (OpenAI json_schema, Anthropic forced tool) and reads the ' + 'answers strictly',
    () => {
      const scenarios = [{ scenario: resolveScenario(catalogue, 'biz/prison'), split: 'in-sample' }];
      const openai = buildPlan(
        { provider: 'openai', model: 'gpt', protocol: 'structured', samples: 1, scenarios },
        catalogue,
      );
      const [item] = planItems(openai, catalogue);
      expect((openAIRequestLine(item!, openai) as any).body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { strict: true, schema: { properties: { answer: { enum: ['C', 'D'] } } } },
      });
      const claude = buildPlan(
        {
          provider: 'anthropic',
          model: 'claude',
          protocol: 'structured',
          samples: 1,
          scenarios,
          sampling: { max_tokens: 400 },
        },
        catalogue,
      );
      const params = (anthropicRequestLine(planItems(claude, catalogue)[0]!, claude) as any).params;
      expect(params.tool_choice).toEqual({ type: 'tool', name: params.tools[0].name });
      const message = (input: unknown) => ({
        model: 'claude',
        stop_reason: 'tool_use',
        usage: { input_tokens: 1, output_tokens: 1 },
        content: [{ type: 'tool_use', id: 't', name: params.tools[0].name, input }],
      });
      const result = anthropicResult({
        custom_id: 'x',
        result: { type: 'succeeded', message: message({ motivation: 'm', answer: 'D' }) },
      });
      expect(result).toMatchObject({
        kind: 'answer',
        choice: { text: '{"motivation":"m","answer":"D"}', finishReason: 'stop' },
      });
      const read = (text: string) =>
        batchSample(
          claude,
          'hash',
          planItems(claude, catalogue)[0]!,
          { text, finishReason: 'stop', model: 'claude' },
          'b1',
          new Date(0),
        ).parse;
      expect(read('{"motivation":"m","answer":"D"}')).toMatchObject({ ok: true, action: 'D', rule: 'structured' });
      expect(read('I choose D.')).toMatchObject({ ok: false, failure: 'schema-violation' });
    },
  );

  it('simulated players refuse it: they answer with bare labels', () => {
    expect(() => parseSimulatedConfig({ protocol: 'structured', player: {} }, 'sim')).toThrow(
      /config\.protocol.*answers with a bare option label/,
    );
  });

  it(
    'a replay takes the protocol its recording was collected under, and refuses a config ' + 'that says another',
    async () => {
      const file = join(dir, 'structured.jsonl');
      writeFileSync(file, `${sample('{"motivation":"m","answer":"D"}', 'structured')}\n`);
      expect((await loadReplaySource(file, catalogue, 'm')).protocol).toBe('structured');
      const call = (config: Record<string, unknown>) =>
        new ReplayProvider({ id: 'replay', config: { recording: file, model: 'm', ...config } }).callApi('', {
          vars: { scenario: 'business/prisoners-dilemma' },
        } as unknown as CallApiContextParams);
      expect(((await call({})).metadata?.stratalign as { protocol?: string } | undefined)?.protocol).toBe('structured');
      expect((await call({ protocol: 'reasoned' })).error).toMatch(
        /collected under protocol structured, but the replay config says protocol reasoned/,
      );
      const mixed = join(dir, 'mixed.jsonl');
      writeFileSync(mixed, `${sample('{"motivation":"m","answer":"D"}', 'structured')}\n${sample('D', 'reasoned')}\n`);
      await expect(loadReplaySource(mixed, catalogue, 'm')).rejects.toThrow(
        /collected under several protocols, one of them structured/,
      );
    },
  );

  it('stratalign parse --structured reads with the strict reader only', async () => {
    const lines = ['{"text": "{\\"motivation\\": \\"m\\", \\"answer\\": 4}"}', '{"text": "I donate $4."}'];
    const out = await run(
      ['parse', '--game', 'public-goods', '--structured'],
      undefined,
      lines.map((l) => `${l}\n`),
    );
    const parsed = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).parse);
    expect(parsed[0]).toMatchObject({ ok: true, action: 4, rule: 'structured' });
    expect(parsed[1]).toMatchObject({ ok: false, failure: 'schema-violation' });
  });
});
