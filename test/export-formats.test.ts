import { describe, expect, it } from 'vitest';
import { motivationOf, targetOf } from '../src/export/example.js';
import { EXPORT_FORMATS } from '../src/export/formats/registry.js';

const example = {
  scenario: 'business/prisoners-dilemma',
  system: 'You are a CEO.',
  user: 'Pick C or D.',
  target: 'D\n\nThe other CEO gains from D.',
};

/** Each format's line with one thing broken, as a trainer's file check would see it. */
const BROKEN: Record<string, (line: Record<string, unknown>) => unknown> = {
  'openai-chat': (l) => ({ messages: (l.messages as unknown[]).slice(0, 2) }),
  'trl-messages': (l) => ({ ...l, extra: 1 }),
  'trl-prompt-completion': (l) => ({ prompt: l.prompt, completion: [{ role: 'user', content: 'x' }] }),
  'llamafactory-alpaca': (l) => ({ ...l, output: '   ' }),
  'llamafactory-sharegpt': (l) => ({
    ...l,
    conversations: [
      { from: 'gpt', value: 'a' },
      { from: 'human', value: 'b' },
    ],
  }),
  together: (l) => ({ ...l, id: 'x' }),
};

describe('export formats', () => {
  it('covers every format the issue lists', () => {
    expect(EXPORT_FORMATS.map((f) => f.id)).toEqual([
      'openai-chat',
      'trl-messages',
      'trl-prompt-completion',
      'llamafactory-alpaca',
      'llamafactory-sharegpt',
      'together',
    ]);
  });

  for (const format of EXPORT_FORMATS) {
    describe(format.id, () => {
      it('writes lines its own validator accepts and reads back the same prompt and target', () => {
        const line = JSON.parse(JSON.stringify(format.toLine(example)));
        expect(format.validate(line)).toEqual({ ok: true });
        expect(format.readBack(line)).toEqual({ system: example.system, user: example.user, target: example.target });
      });

      it('rejects a broken line, naming the field', () => {
        const line = format.toLine(example) as Record<string, unknown>;
        const check = format.validate(BROKEN[format.id]!(line));
        expect(check.ok).toBe(false);
        if (!check.ok) expect(check.field).not.toBe('');
      });

      it('rejects an empty target', () => {
        expect(format.validate(format.toLine({ ...example, target: '' })).ok).toBe(false);
      });
    });
  }

  it('gives LLaMA-Factory a dataset_info entry per data file with its formatting and columns', () => {
    const sharegpt = EXPORT_FORMATS.find((f) => f.id === 'llamafactory-sharegpt')!;
    const [info] = sharegpt.files({
      name: 'lfb',
      dataFiles: [
        { split: 'train', name: 'train.jsonl' },
        { split: 'validation', name: 'validation.jsonl' },
      ],
    });
    expect(info!.name).toBe('dataset_info.json');
    expect(JSON.parse(info!.content)).toEqual({
      lfb_train: {
        file_name: 'train.jsonl',
        formatting: 'sharegpt',
        columns: { messages: 'conversations', system: 'system' },
        tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
      },
      lfb_validation: {
        file_name: 'validation.jsonl',
        formatting: 'sharegpt',
        columns: { messages: 'conversations', system: 'system' },
        tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
      },
    });
    const alpaca = EXPORT_FORMATS.find((f) => f.id === 'llamafactory-alpaca')!;
    const [alpacaInfo] = alpaca.files({ name: 'lfb', dataFiles: [{ split: 'train', name: 'train.jsonl' }] });
    expect(JSON.parse(alpacaInfo!.content)).toEqual({
      lfb_train: {
        file_name: 'train.jsonl',
        formatting: 'alpaca',
        columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
      },
    });
  });
});

describe('targets', () => {
  const ok = (action: string | number) => ({ ok: true as const, action, rule: 'test', evidence: String(action) });

  it('keeps the raw answer as written, also for unparsed answers', () => {
    expect(targetOf('  C\n\nbecause.  ', ok('C'), 'raw')).toBe('  C\n\nbecause.  ');
    expect(targetOf('no idea', { ok: false, failure: 'no-choice', reason: '' }, 'raw')).toBe('no idea');
  });

  it('normalises to the action, a blank line and the motivation after the answer line', () => {
    expect(targetOf('**C**\n\nTrust is the point.', ok('C'), 'normalised')).toBe('C\n\nTrust is the point.');
    expect(targetOf('Answer: D\nMotivation: D dominates.', ok('D'), 'normalised')).toBe(
      'D\n\nMotivation: D dominates.',
    );
    expect(targetOf('$7\n\nThe fund grows.', ok(7), 'normalised')).toBe('7\n\nThe fund grows.');
  });

  it('keeps the whole text as motivation when the choice is inside the reasoning, and invents none', () => {
    expect(motivationOf('After weighing it up, I choose C: we both get 10.', 'C')).toBe(
      'After weighing it up, I choose C: we both get 10.',
    );
    expect(targetOf('C', ok('C'), 'normalised')).toBe('C');
    expect(targetOf('maybe', { ok: false, failure: 'no-choice', reason: '' }, 'normalised')).toBeNull();
    expect(targetOf('C\n\nwhy', ok('C'), 'action')).toBe('C');
  });
});
