// Where the structured protocol is not (yet) supported, or would be misread, it is refused with
// the reason and the fix; and the parse command reads structured answers with the strict reader.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallApiContextParams } from 'promptfoo';
import { afterAll, describe, expect, it } from 'vitest';
import ReplayProvider from '../providers/replay.js';
import { buildPlan } from '../src/batch/plan-builder.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { loadReplaySource } from '../src/replay/replay-source.js';
import { resolveScenario } from '../src/scenarios/scenario.js';
import { parseSimulatedConfig } from '../src/simulated/simulated-config.js';
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
  it('batch collection refuses it, naming the live providers', () => {
    const scenarios = [{ scenario: resolveScenario(catalogue, 'biz/prison'), split: 'in-sample' }];
    expect(() => buildPlan({ provider: 'openai', model: 'gpt', protocol: 'structured', samples: 2, scenarios }, catalogue)).toThrow(/--protocol.*batch collection does not support the structured protocol yet.*Fix: collect structured answers with the live providers/);
  });

  it('simulated players refuse it: they answer with bare labels', () => {
    expect(() => parseSimulatedConfig({ protocol: 'structured', player: {} }, 'sim')).toThrow(/config\.protocol.*answers with a bare option label/);
  });

  it('a replay takes the protocol its recording was collected under, and refuses a config that says another', async () => {
    const file = join(dir, 'structured.jsonl');
    writeFileSync(file, `${sample('{"motivation":"m","answer":"D"}', 'structured')}\n`);
    expect((await loadReplaySource(file, catalogue, 'm')).protocol).toBe('structured');
    const call = (config: Record<string, unknown>) =>
      new ReplayProvider({ id: 'replay', config: { recording: file, model: 'm', ...config } }).callApi('', { vars: { scenario: 'business/prisoners-dilemma' } } as unknown as CallApiContextParams);
    expect(((await call({})).metadata?.stratalign as { protocol?: string }).protocol).toBe('structured');
    expect((await call({ protocol: 'reasoned' })).error).toMatch(/collected under protocol structured, but the replay config says protocol reasoned/);
    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(mixed, `${sample('{"motivation":"m","answer":"D"}', 'structured')}\n${sample('D', 'reasoned')}\n`);
    await expect(loadReplaySource(mixed, catalogue, 'm')).rejects.toThrow(/collected under several protocols, one of them structured/);
  });

  it('stratalign parse --structured reads with the strict reader only', async () => {
    const lines = ['{"text": "{\\"motivation\\": \\"m\\", \\"answer\\": 4}"}', '{"text": "I donate $4."}'];
    const out = await run(['parse', '--game', 'public-goods', '--structured'], undefined, lines.map((l) => `${l}\n`));
    const parsed = out.stdout.trim().split('\n').map((l) => JSON.parse(l).parse);
    expect(parsed[0]).toMatchObject({ ok: true, action: 4, rule: 'structured' });
    expect(parsed[1]).toMatchObject({ ok: false, failure: 'schema-violation' });
  });
});
