// What an export refuses or drops, and says so: a protocol other than the run's, a train split a
// trainer would reject, examples over --max-tokens (counted by the real tokenizers), answers
// without a motivation, and text that cannot be encoded.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeChat } from 'gpt-tokenizer/model/gpt-4o-mini';
import llama from 'llama-tokenizer-js';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { createConversionSummary, samplesFromPromptfooResults } from '../src/recordings/convert/promptfoo-results.js';
import { readLocatedSamples } from '../src/recordings/convert/read-samples.js';
import { exportDatasets, type ExportOptions } from '../src/export/export-datasets.js';
import { openaiChat } from '../src/export/formats/openai-chat.js';
import { trlMessages } from '../src/export/formats/trl-messages.js';
import { loadTokenCounter } from '../src/export/token-count.js';
import { loneSurrogateAt } from '../src/export/well-formed.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { SAMPLE_SCHEMA, type SampleRecord } from '../src/recordings/types.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { run as cli } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const SCENARIOS = ['business/prisoners-dilemma', 'team/stag-hunt', 'friends/snowdrift'];

function options(outDir: string, over: Partial<ExportOptions> = {}): ExportOptions {
  return {
    formats: [openaiChat, trlMessages],
    outDir,
    catalogue,
    protocol: catalogue.protocol('reasoned'),
    selector: { role: 'teacher' },
    target: 'raw',
    keepUnparseable: false,
    dedupe: false,
    cap: null,
    validation: 0,
    seed: 42,
    holdout: { contexts: [], games: [] },
    name: 'stratalign',
    source: { origin: 'test', kind: 'recording' },
    ...over,
  };
}

type Answer = { text: string; action?: 'C' | 'D'; protocol?: string };

/** A recording of the given answers, spread over three scenarios, all parsed as their action. */
function recordingOf(answers: Answer[]): string {
  const file = join(tempDir(), 'recording.jsonl');
  const lines = answers.map((a, i) => {
    const sample: SampleRecord = {
      schema: SAMPLE_SCHEMA,
      scenario: SCENARIOS[i % SCENARIOS.length]!,
      split: 'in-sample',
      model: 'teacher-x',
      role: 'teacher',
      text: a.text,
      parse: { ok: true, action: a.action ?? 'C', rule: 'test', evidence: a.action ?? 'C' },
      provenance: { source: 'live', origin: 'test', ...(a.protocol ? { protocol: a.protocol } : {}) },
    };
    return JSON.stringify(sample);
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const reasons = (n: number, protocol?: string): Answer[] =>
  Array.from({ length: n }, (_, i) => ({
    text: `C\n\nReason number ${i}: we both gain more by cooperating.`,
    ...(protocol ? { protocol } : {}),
  }));

const run = (file: string, opts: ExportOptions) => exportDatasets(readLocatedSamples(file, catalogue), opts);

describe('the protocol of the run is recorded with every sample and checked on export', () => {
  it(
    'refuses --protocol letter-only for answers collected under reasoned, naming the line; ' + 'writes nothing',
    async () => {
      const out = tempDir();
      const file = recordingOf(reasons(12, 'reasoned'));
      await expect(run(file, options(out, { protocol: catalogue.protocol('letter-only') }))).rejects.toThrow(
        new RegExp(
          String.raw`recording\.jsonl: line 1, field provenance\.protocol: the sample was collected under ` +
            String.raw`protocol reasoned, but --protocol is letter-only.*Fix: export with --protocol reasoned`,
        ),
      );
      expect(readdirSync(out)).toEqual([]);
      const [m] = await run(file, options(out));
      expect(m!.protocolCheck).toEqual({ exported: 'reasoned', recorded: 12, unrecorded: 0 });
      expect(m!.warnings).toEqual([]);
    },
  );

  it('counts and warns about samples that recorded no protocol', async () => {
    const [m] = await run(recordingOf(reasons(12)), options(tempDir()));
    expect(m!.protocolCheck).toEqual({ exported: 'reasoned', recorded: 0, unrecorded: 12 });
    expect(m!.warnings).toContain(
      '12 sample(s) did not record the protocol they were collected under; they were assumed to be reasoned',
    );
  });

  it('carries the protocol a live provider reports from promptfoo results into every converted sample', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const row = {
      provider: { id: 'p', label: 'teacher' },
      vars: { scenario: 'biz/prison', split: 'in-sample' },
      response: {
        output: 'C\n\nBecause.',
        metadata: { stratalign: { source: 'live', mode: 'single', role: 'teacher', protocol: 'reasoned' } },
      },
    };
    writeFileSync(file, `${JSON.stringify(row)}\n`);
    const samples: SampleRecord[] = [];
    for await (const s of samplesFromPromptfooResults(file, catalogue, { summary: createConversionSummary(file) }))
      samples.push(s);
    expect(samples[0]!.provenance.protocol).toBe('reasoned');
  });
});

describe('a train split the trainer would reject is an error', () => {
  it(
    'OpenAI needs at least 10 training examples: 9 is refused with what became of the answers; ' + 'nothing is written',
    async () => {
      const out = tempDir();
      await expect(run(recordingOf(reasons(9)), options(out))).rejects.toThrow(
        new RegExp(
          String.raw`--format openai-chat: the train split would hold 9 example\(s\); OpenAI fine-tuning needs ` +
            String.raw`at least 10 \(of 9 selected samples: dropped none.*\); nothing was written`,
        ),
      );
      expect(readdirSync(out)).toEqual([]);
      const [m] = await run(recordingOf(reasons(10)), options(out, { formats: [openaiChat] }));
      expect(m!.totals.train).toBe(10);
    },
  );

  it('an empty train split is an error for every format, even when the validation split has examples', async () => {
    await expect(
      run(recordingOf(reasons(3)), options(tempDir(), { formats: [trlMessages], validation: 0.9 })),
    ).rejects.toThrow(
      new RegExp(
        String.raw`--format trl-messages: the train split is empty \(of 3 selected samples: .* validation ` +
          String.raw`3\).*Fix: lower --validation`,
      ),
    );
  });
});

describe('--max-tokens counts each example with the real tokenizer of its format', () => {
  it('counts exactly what a whole encode of the chat template gives, with the real vocabularies', async () => {
    expect(llama.encode('Hello world')).toEqual([1, 15043, 3186]);
    const [o200k, llama2] = await Promise.all([loadTokenCounter('o200k'), loadTokenCounter('llama2')]);
    const targets = [
      'C\n\nBecause.',
      ' D  leading and  double spaces ',
      '**C**\n\n- we both gain\n- 😀 emoji',
      'C',
      '[/INST] tricky ]',
      '1234567890 '.repeat(9),
    ];
    for (const protocol of ['reasoned', 'letter-only']) {
      for (const scenario of SCENARIOS) {
        const prompt = renderPrompt(resolveScenario(catalogue, scenario), catalogue.protocol(protocol));
        for (const target of targets) {
          const e = { scenario, system: prompt.system, user: prompt.user, target };
          const messages = [
            { role: 'system', content: e.system },
            { role: 'user', content: e.user },
            { role: 'assistant', content: e.target },
          ] as const;
          expect(o200k(e), JSON.stringify(target)).toBe(encodeChat(messages as never).length);
          const whole =
            llama.encode(`[INST] <<SYS>>\n${e.system}\n<</SYS>>\n\n${e.user} [/INST] ${e.target} `).length + 1;
          expect(llama2(e), JSON.stringify(target)).toBe(whole);
        }
      }
    }
  });

  it('drops and counts examples over the limit, per format, since the two tokenizers count differently', async () => {
    const prompt = renderPrompt(resolveScenario(catalogue, SCENARIOS[0]!), catalogue.protocol('reasoned'));
    // Digits: o200k packs up to three per token, LLaMa-2 spends one token on each.
    const long = `C\n\n${'1234567890 '.repeat(60)}`;
    const example = { scenario: SCENARIOS[0]!, system: prompt.system, user: prompt.user, target: long };
    const openai = (await loadTokenCounter('o200k'))(example);
    const llama2 = (await loadTokenCounter('llama2'))(example);
    expect(llama2).toBeGreaterThan(openai + 100);
    const answers: Answer[] = [{ text: long }, ...reasons(12).slice(1)];
    const [o, t] = await run(
      recordingOf(answers),
      options(tempDir(), { maxTokens: Math.round((openai + llama2) / 2) }),
    );
    expect(o!.totals).toMatchObject({ read: 12, kept: 12, train: 12, dropped: {} });
    expect(t!.totals).toMatchObject({ read: 12, kept: 11, train: 11, dropped: { 'too-long': 1 } });
    expect(t!.scenarios[SCENARIOS[0]!]).toMatchObject({ read: 4, kept: 3, dropped: { 'too-long': 1 } });
    expect(t!.options).toMatchObject({ maxTokens: Math.round((openai + llama2) / 2), tokenizer: 'llama2' });
    expect(o!.options).toMatchObject({ tokenizer: 'o200k' });
    // --tokenizer makes every format count the same way.
    const [o2, t2] = await run(
      recordingOf(answers),
      options(tempDir(), { maxTokens: Math.round((openai + llama2) / 2), tokenizer: 'o200k' }),
    );
    expect([o2!.totals.kept, t2!.totals.kept]).toEqual([12, 12]);
  });

  it('is refused when it is not a whole number of tokens', async () => {
    await expect(run(recordingOf(reasons(12)), options(tempDir(), { maxTokens: 0 }))).rejects.toThrow(
      /--max-tokens: the token limit must be a whole number/,
    );
  });
});

describe('answers without a motivation and text that cannot be encoded', () => {
  it('counts a bare choice as its own drop reason, unless --target action', async () => {
    const answers: Answer[] = [...reasons(10), { text: 'C' }, { text: '**D**', action: 'D' }];
    const [m] = await run(recordingOf(answers), options(tempDir(), { formats: [trlMessages] }));
    expect(m!.totals).toMatchObject({ read: 12, kept: 10, dropped: { 'no-motivation': 2 } });
    const [action] = await run(recordingOf(answers), options(tempDir(), { formats: [trlMessages], target: 'action' }));
    expect(action!.totals).toMatchObject({ kept: 12, dropped: {} });
  });

  it('says to use --target action when a letter-only run leaves nothing to export', async () => {
    const letters: Answer[] = Array.from({ length: 12 }, () => ({ text: 'C' }));
    await expect(run(recordingOf(letters), options(tempDir(), { formats: [trlMessages] }))).rejects.toThrow(
      new RegExp(
        String.raw`no sample could be exported \(\{"no-motivation":12\} dropped.*Fix: answers without a ` +
          String.raw`motivation \(letter-only runs\) export with --target action`,
      ),
    );
  });

  it('rejects a lone UTF-16 surrogate, naming the line and the character; nothing is written', async () => {
    expect(loneSurrogateAt('ok 😀 fine')).toBeNull();
    expect(loneSurrogateAt('cut \ud83d')).toBe(4);
    expect(loneSurrogateAt('\ude00 first')).toBe(0);
    const out = tempDir();
    const answers = [...reasons(11), { text: 'C\n\nWe both win \ud83d' }];
    await expect(run(recordingOf(answers), options(out))).rejects.toThrow(
      /recording\.jsonl: line 12, answer text at character 16: the answer holds a lone UTF-16 surrogate \(U\+D83D\)/,
    );
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('stratalign export on the command line', () => {
  it('takes --max-tokens and --tokenizer, and a refused export exits 2 leaving the folder as it was', async () => {
    const out = tempDir();
    const file = recordingOf(reasons(12, 'reasoned'));
    const ok = await cli([
      'export',
      file,
      '--format',
      'openai-chat',
      '--out',
      out,
      '--protocol',
      'reasoned',
      '--validation',
      '0',
      '--max-tokens',
      '4000',
      '--tokenizer',
      'cl100k',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const before = readFileSync(join(out, 'openai-chat', 'train.jsonl'));
    const wrong = await cli(['export', file, '--format', 'openai-chat', '--out', out, '--protocol', 'letter-only']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/collected under protocol reasoned, but --protocol is letter-only/);
    expect(readFileSync(join(out, 'openai-chat', 'train.jsonl'))).toEqual(before);
    expect(existsSync(join(out, 'openai-chat', 'manifest.json'))).toBe(true);
    const bad = await cli([
      'export',
      file,
      '--format',
      'openai-chat',
      '--out',
      out,
      '--protocol',
      'reasoned',
      '--max-tokens',
      '100',
      '--tokenizer',
      'gpt5',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tokenizer: unknown tokenizer.*use one of o200k, cl100k, llama2/);
  });
});
