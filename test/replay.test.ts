import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { SAMPLE_SCHEMA } from '../src/recordings/types.js';
import { replayEnvelope } from '../src/sources/replay/replay-envelope.js';
import { findTrack, loadReplaySource, replayAnswers, type ReplayTrack } from '../src/sources/replay/replay-source.js';
import { parseReplayConfig } from '../src/sources/replay/replay-config.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const CSV = 'datasets/recordings/lfb-counts.csv';
const tempDir = useTempDirs();

function track(source: Awaited<ReturnType<typeof loadReplaySource>>, scenario: string): ReplayTrack {
  const t = findTrack(source, scenario, undefined);
  if (typeof t === 'string') throw new Error(t);
  return t;
}

describe('replay of a counts recording', () => {
  it('reproduces the recorded counts exactly over the first n answers, one call at a time', async () => {
    const source = await loadReplaySource(CSV, catalogue, 'llama2-70b-chat');
    const t = track(source, 'international-relations/prisoners-dilemma');
    const answers = Array.from({ length: 300 }, (_, i) => replayAnswers(t, 7, i, 1, false)[0]!.recordedChoice);
    expect(answers.filter((a) => a === 'C')).toHaveLength(77);
    expect(answers.filter((a) => a === 'D')).toHaveLength(223);
  });

  it('is seeded: the same seed gives the same order, another seed another order', async () => {
    const t = track(await loadReplaySource(CSV, catalogue, 'llama2-7b-chat'), 'team/prisoners-dilemma');
    const order = (seed: number) =>
      replayAnswers(t, seed, 0, 300, false)
        .map((a) => a.recordedChoice)
        .join('');
    expect(order(1)).toBe(order(1));
    expect(order(1)).not.toBe(order(2));
    // A batch equals the concatenation of single calls.
    expect(replayAnswers(t, 1, 10, 5, false)).toEqual(
      [10, 11, 12, 13, 14].map((i) => replayAnswers(t, 1, i, 1, false)[0]),
    );
  });

  it('reports answers past the recording as missing, or cycles when asked to', async () => {
    const source = await loadReplaySource(CSV, catalogue, 'llama2-7b-chat');
    const t = track(source, 'roommates/prisoners-dilemma');
    expect(t.answers).toHaveLength(295);
    const env = replayEnvelope(source, t, { seed: 1, start: 290, count: 10, role: 'base', cycle: false });
    expect(env.samples).toHaveLength(5);
    expect(env.missing.count).toBe(5);
    expect(env.missing.reasons[0]).toMatch(/^recording exhausted: it holds 295 answers/);
    expect(env.note).toMatch(/^REPLAY of recorded counts/);
    const cycled = replayEnvelope(source, t, { seed: 1, start: 0, count: 590, role: 'base', cycle: true });
    expect(cycled.samples.filter((s) => s.recordedChoice === 'C')).toHaveLength(2 * 261);
  });

  it('says clearly when a model or scenario is not in the recording', async () => {
    await expect(loadReplaySource(CSV, catalogue, 'gpt-5')).rejects.toThrowError(
      /no answers of this model \(models present: llama2-7b-chat, llama2-7b-chat-lfb-lora, llama2-70b-chat\)/,
    );
    const source = await loadReplaySource(CSV, catalogue, 'llama2-70b-chat');
    expect(findTrack(source, 'business/prisoners-dilemma@x2', undefined)).toMatch(
      /has no answers of llama2-70b-chat for scenario business\/prisoners-dilemma@x2/,
    );
  });
});

describe('replay of a text recording', () => {
  it('returns the recorded texts, each exactly once per cycle', async () => {
    const file = join(tempDir(), 'rec.jsonl');
    const line = (text: string) =>
      JSON.stringify({
        schema: SAMPLE_SCHEMA,
        scenario: 'biz/prison',
        split: 'in-sample',
        model: 'm',
        role: 'teacher',
        text,
        parse: { ok: true, action: text[0], rule: 'test', evidence: text[0] },
        provenance: { source: 'live', origin: 'test' },
      });
    writeFileSync(file, ['C because trust', 'D to be safe', 'D again'].map(line).join('\n'));
    const source = await loadReplaySource(file, catalogue, 'm');
    expect(source.mode).toBe('replay-text');
    const texts = replayAnswers(track(source, 'business/prisoners-dilemma'), 3, 0, 3, false)
      .map((s) => s.text)
      .sort();
    expect(texts).toEqual(['C because trust', 'D again', 'D to be safe']);
  });
});

describe('replay config', () => {
  it('rejects unknown keys and missing fields with a fix', () => {
    expect(() => parseReplayConfig({ recording: 'x.csv', model: 'm', sample: 3 }, 'base')).toThrowError(
      /providers\[base\]\.config: unknown key\(s\) sample.*Fix: use only recording, model, samples/,
    );
    expect(() => parseReplayConfig({ model: 'm' }, 'base')).toThrowError(/config: recording: /);
    expect(parseReplayConfig({ recording: 'x.csv', model: 'm', samples: 'all' }, 'b')).toMatchObject({
      samples: 'all',
      seed: 1,
      onExhausted: 'missing',
    });
  });
});
