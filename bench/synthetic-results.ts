import { closeSync, openSync, writeSync } from 'node:fs';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { createRng } from '../src/shared/random.js';
import { formatEnvelope, ENVELOPE_TAG } from '../src/answers/samples/envelope.js';
import { expandGrid } from '../src/catalogue/scenarios/scenario.js';

const SENTENCES = [
  'My coplayer is driven by the same motives as I am, so I expect them to reason the way I do.',
  'If we both choose C we each get a solid result, which beats the outcome where we both choose D.',
  'Choosing D protects me against the worst case if my coplayer decides not to cooperate.',
  'There is no way to talk before deciding, so I have to anticipate their choice from the payoffs alone.',
  'The temptation to defect is real, but a one-shot meeting still rewards trust when both sides see it.',
  'Looking at the numbers, the gap between mutual cooperation and mutual defection is large.',
];

/** A teacher-like answer of about `chars` characters: letter, blank line, motivation; some unparseable. */
function answer(rng: () => number, chars: number): string {
  const r = rng();
  if (r < 0.02) return "I'm sorry, but I can't choose between these options.";
  if (r < 0.04) return 'Both strategies have merit and it depends on the coplayer.';
  let text = `${r < 0.5 ? 'C' : 'D'}\n\n`;
  while (text.length < chars) text += `${SENTENCES[Math.floor(rng() * SENTENCES.length)]} `;
  return text.trimEnd();
}

export type SyntheticFiles = { json: string; jsonl: string; rows: number; samples: number; bytes: number };

/**
 * Writes a promptfoo results file in the shape promptfoo 0.121 writes (`-o results.json`,
 * pretty-printed, rows holding stratalign envelopes of `samplesPerRow` answers) and the same rows
 * as JSONL, streaming, so the generator itself stays small in memory.
 */
export function writeSyntheticResults(dir: string, samples: number, samplesPerRow = 300, chars = 500): SyntheticFiles {
  const catalogue = defaultCatalogue();
  const scenarios = expandGrid(catalogue, {
    games: ['prisoners-dilemma', 'stag-hunt', 'snowdrift', 'prisoners-delight'],
  });
  const protocol = catalogue.protocol('reasoned');
  const prompts = new Map(scenarios.map((s) => [s.id, JSON.stringify(renderPrompt(s, protocol).messages)]));
  const rng = createRng('bench/convert-export');
  const json = `${dir}/results.json`;
  const jsonl = `${dir}/results.jsonl`;
  const fdJson = openSync(json, 'w');
  const fdJsonl = openSync(jsonl, 'w');
  let bytes = 0;
  const put = (fd: number, text: string) => {
    const n = writeSync(fd, text);
    if (fd === fdJson) bytes += n;
  };
  const config = {
    description: 'synthetic benchmark eval',
    providers: [
      { id: 'file://providers/live.ts', label: 'teacher synthetic', config: { model: 'synthetic-70b', seed: 3 } },
    ],
  };
  put(
    fdJson,
    `{\n  "evalId": "eval-bench-2026-11-29T00:00:00",\n  "results": {\n    "version": 3,\n    "timestamp": ` +
      `"2026-11-29T00:00:00.000Z",\n    "prompts": [],\n    "results": [`,
  );
  let rows = 0;
  for (let done = 0; done < samples; rows++) {
    const scenario = scenarios[rows % scenarios.length]!;
    const n = Math.min(samplesPerRow, samples - done);
    done += n;
    const envelope = formatEnvelope({
      stratalign: ENVELOPE_TAG,
      note: 'SYNTHETIC benchmark answers; no model was called',
      source: 'live',
      mode: 'multi',
      scenario: scenario.id,
      model: 'synthetic-70b',
      role: 'teacher',
      requested: n,
      samples: Array.from({ length: n }, () => ({ text: answer(rng, chars), finishReason: 'stop' })),
      missing: { count: 0, reasons: [] },
    });
    const vars = { scenario: scenario.id, split: scenario.context.split === 'in-sample' ? 'in-sample' : 'oos-context' };
    const row = {
      cost: 0,
      gradingResult: { pass: true, score: 1, reason: 'synthetic' },
      id: `row-${rows}`,
      latencyMs: 900,
      namedScores: {},
      prompt: { raw: prompts.get(scenario.id), label: 'reasoned' },
      promptIdx: 0,
      provider: { id: 'file://providers/live.ts', label: 'teacher synthetic' },
      response: {
        output: envelope,
        metadata: {
          stratalign: { source: 'live', mode: 'multi', model: 'synthetic-70b', role: 'teacher', scenario: scenario.id },
        },
      },
      score: 1,
      success: true,
      testCase: { description: scenario.id, vars },
      testIdx: rows,
      vars,
      metadata: { scenario: scenario.id },
      failureReason: 0,
    };
    put(fdJson, `${rows === 0 ? '' : ','}\n      ${JSON.stringify(row, null, 2).replace(/\n/g, '\n      ')}`);
    put(fdJsonl, `${JSON.stringify(row)}\n`);
  }
  put(
    fdJson,
    `\n    ],\n    "stats": { "successes": ${rows}, "failures": 0, "errors": 0 }\n  },\n  "config": ` +
      `${JSON.stringify(config)},\n  "shareableUrl": null,\n  "metadata": { "promptfooVersion": "0.121.20" }\n}\n`,
  );
  closeSync(fdJson);
  closeSync(fdJsonl);
  return { json, jsonl, rows, samples, bytes };
}
