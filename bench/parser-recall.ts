// (g) Answer parser recall by model style: the SYNTHETIC styles corpus (six model families, both
// protocols, both action spaces; test/fixtures/parsing/styles-corpus.ts, no model called) and the
// REAL public-goods answers of three llama-2 chat models (test/fixtures/parsing/lfb-pgg-answers.jsonl).
// Run alone with `npx tsx bench/parser-recall.ts`, or through `npm run bench`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../src/catalogue/index.js';
import { tallyRecall, type LabelledAnswer, type RecallTally } from '../src/answers/parsing/recall.js';
import { buildStylesCorpus, STYLES } from '../test/fixtures/parsing/styles-corpus.js';
import type { BenchRow } from './format-table.js';

const pct = (n: number, d: number) => (d === 0 ? 0 : (100 * n) / d);

function row(label: string, t: RecallTally, origin: string): BenchRow {
  const failures =
    Object.entries(t.failures)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'none';
  return {
    comparison: `${label}: answers read correctly`,
    subject: { label: 'read correctly', value: pct(t.read, t.withChoice), unit: '%' },
    baseline: { label: 'answers that state a choice', value: 100, unit: '%' },
    note:
      `${origin}; ${t.withChoice} with a choice: ${t.read} read, ${t.wrong} wrong, ${t.unread} unread ` +
      `(${pct(t.unread, t.withChoice).toFixed(1)} %; ${failures}); ${t.choiceless} choiceless: ${t.guessed} guessed.`,
  };
}

export async function benchParserRecall(_opts: { dir: string }): Promise<BenchRow[]> {
  const corpus = buildStylesCorpus();
  const rows = STYLES.map((style) =>
    row(`style ${style}`, tallyRecall(corpus.filter((e) => e.style === style)), 'SYNTHETIC styles corpus'),
  );
  const space = loadCatalogue().findGame('public-goods')!.actionSpace;
  const file = fileURLToPath(new URL('../test/fixtures/parsing/lfb-pgg-answers.jsonl', import.meta.url));
  const real = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { model: string; text: string; amount: number });
  for (const model of [...new Set(real.map((r) => r.model))]) {
    const answers: LabelledAnswer[] = real
      .filter((r) => r.model === model)
      .map((r) => ({ text: r.text, space, label: r.amount }));
    const rounded = (a: LabelledAnswer) => (typeof a.label === 'number' ? Math.floor(a.label + 0.5) : a.label);
    rows.push(
      row(
        `REAL public goods, ${model}`,
        tallyRecall(answers, rounded),
        "REAL answers (the paper's repository, hand-labelled)",
      ),
    );
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { formatSection } = await import('./format-table.js');
  const rows = await benchParserRecall({ dir: '' });
  process.stdout.write(
    formatSection('g', 'answer parser recall by model style (synthetic) and on real answers', {
      status: 'ok',
      rows,
      seconds: 0,
    }),
  );
}
