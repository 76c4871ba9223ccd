import { describe, expect, it } from 'vitest';
import { run as runCli } from './helpers/run-cli.js';

async function run(argv: string[], input: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const { code, stdout, stderr } = await runCli(argv, undefined, input);
  return { code, out: stdout.split('\n').filter((l) => l !== ''), err: stderr };
}

const json = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('stratalign parse', () => {
  it('writes one line per input line, in order, with the input fields passed through', async () => {
    const input = [
      '{"id": 1, "model": "teacher", "text": "Answer: C\\nMotivation: trust."}\n',
      '{"id": 2, "text": "I choose C. Actually, on reflection, I choose D.", "meta": {"seed": 7}}\n',
      '{"id": 3, "text": "I cannot participate in this game."}\n',
      '{"id": 4, "text": null}\n{"id": 5, "text": "Considering the payoffs, cooperation is wise."}\n',
    ];
    const { code, out, err } = await run(['parse', '--game', 'prison'], input);
    expect(code).toBe(0);
    expect(json(out)).toEqual([
      {
        id: 1,
        model: 'teacher',
        text: 'Answer: C\nMotivation: trust.',
        parse: { ok: true, action: 'C', rule: 'explicit-statement', evidence: 'Answer: C' },
      },
      {
        id: 2,
        text: 'I choose C. Actually, on reflection, I choose D.',
        meta: { seed: 7 },
        parse: { ok: true, action: 'D', rule: 'self-correction', evidence: 'I choose D' },
      },
      {
        id: 3,
        text: 'I cannot participate in this game.',
        parse: expect.objectContaining({ ok: false, failure: 'refusal' }),
      },
      { id: 4, text: null, parse: expect.objectContaining({ ok: false, failure: 'empty' }) },
      {
        id: 5,
        text: 'Considering the payoffs, cooperation is wise.',
        parse: expect.objectContaining({ ok: false, failure: 'no-choice' }),
      },
    ]);
    expect(err).toContain('5 answers');
    expect(err).toMatch(/ok C: 1.*ok D: 1/);
    expect(err).toMatch(/refusal: 1/);
  });

  it('reports unreadable lines in place and exits 1', async () => {
    const input = [
      '{"text": "D"}\n',
      'not json at all\n',
      '{"answer": "C"}\n',
      '{"text": 42}\n',
      '[1, 2]\n',
      '{"text": "C"}\n',
    ];
    const { code, out, err } = await run(['parse', '--game', 'prisoners-dilemma'], input);
    expect(code).toBe(1);
    const rows = json(out);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({ parse: { ok: true, action: 'D' } });
    expect(rows[1]).toEqual({ line: 2, error: expect.stringContaining('not valid JSON') });
    expect(rows[2]).toEqual({ line: 3, error: expect.stringContaining('"text"') });
    expect(rows[3]).toEqual({ line: 4, error: expect.stringContaining('"text" must be a string or null') });
    expect(rows[4]).toEqual({ line: 5, error: expect.stringContaining('JSON object') });
    expect(rows[5]).toMatchObject({ parse: { ok: true, action: 'C' } });
    expect(err).toMatch(/4 input line\(s\) could not be read \(line 2, 3, 4, 5\)/);
  });

  it('skips blank lines but keeps physical line numbers in errors', async () => {
    const { code, out } = await run(['parse', '--game', 'staghunt'], ['{"text": "C"}\n\n', '{oops\n']);
    expect(code).toBe(1);
    expect(json(out)).toEqual([
      expect.objectContaining({ parse: expect.objectContaining({ action: 'C' }) }),
      { line: 3, error: expect.any(String) },
    ]);
  });

  it('parses donations for the public-goods game', async () => {
    const input = [
      '{"text": "I have $10 and the fund is multiplied by 2.5, so I donate $4"}\n',
      '{"text": "I donate $12"}\n',
    ];
    const { code, out } = await run(['parse', '--game', 'public-goods'], input);
    expect(code).toBe(0);
    const [first, second] = json(out);
    expect(first).toMatchObject({ parse: { ok: true, action: 4 } });
    expect(second).toMatchObject({
      parse: { ok: false, failure: 'out-of-range', reason: expect.stringContaining('0..10') },
    });
  });

  it('reads the finish reason from the named field', async () => {
    const input = [
      '{"text": "If I choose C, the coplayer might", "finish": "length"}\n',
      '{"text": "If I choose C, the coplayer might", "finish": "stop"}\n',
      '{"text": "C\\n\\nMotivation: because the", "finish": "length"}\n',
    ];
    const { code, out } = await run(['parse', '--game', 'delight', '--finish-reason-field', 'finish'], input);
    expect(code).toBe(0);
    expect(json(out).map((r) => r.parse)).toEqual([
      expect.objectContaining({ failure: 'truncated' }),
      expect.objectContaining({ failure: 'no-choice' }),
      expect.objectContaining({ ok: true, action: 'C' }),
    ]);
  });

  it('accepts every game id and paper alias', async () => {
    for (const game of [
      'prisoners-dilemma',
      'stag-hunt',
      'snowdrift',
      'prisoners-delight',
      'prison',
      'staghunt',
      'delight',
    ]) {
      const { code, out } = await run(['parse', '--game', game], ['{"text": "D"}\n']);
      expect([game, code, json(out)[0]?.parse]).toEqual([game, 0, expect.objectContaining({ action: 'D' })]);
    }
  });

  it('rejects an unknown game with exit 2, naming it and the known ids', async () => {
    const { code, out, err } = await run(['parse', '--game', 'unknown'], ['{"text": "C"}\n']);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toContain('"unknown"');
    expect(err).toContain('prisoners-dilemma');
  });

  it('rejects missing or unexpected options with exit 2', async () => {
    expect((await run(['parse'], [])).code).toBe(2);
    expect((await run(['parse', '--game'], [])).code).toBe(2);
    expect((await run(['parse', '--game', 'prison', '--verbose'], [])).code).toBe(2);
  });
});
