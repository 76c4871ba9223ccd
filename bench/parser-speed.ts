// (f) Answer parser throughput: parseAnswer over the seeded SYNTHETIC corpus of
// test/fixtures/parsing/corpus.ts (no model was called) against a floor, one plain regex scan
// of the same texts, and the same on pathological inputs. Run alone with
//   npx tsx bench/parser-speed.ts [--rounds 15]
// or import benchParserSpeed (npm run bench).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseAnswer, type ParseOptions } from '../src/answers/parsing/parse-answer.js';
import { buildParsingCorpus, CORPUS_SPACES, type CorpusEntry } from '../test/fixtures/parsing/corpus.js';
import type { BenchRow } from './format-table.js';

// The floor: what any reader of the answers must at least do, one regex pass over each text for
// decision-like phrases ("I choose C", "Answer: D"), without normalising or judging context.
const FLOOR = /\b(?:I\s+\w+|(?:final\s+)?(?:answer|choice|decision|donation))\s*[:=]?\s*\S+/gi;

type Job = { text: string; space: CorpusEntry['space']; options: ParseOptions };

function parseAll(jobs: readonly Job[]): number {
  let ok = 0;
  for (const job of jobs) if (parseAnswer(job.text, job.space, job.options).ok) ok++;
  return ok;
}

function floorAll(jobs: readonly Job[]): number {
  let found = 0;
  for (const job of jobs) {
    FLOOR.lastIndex = 0;
    while (FLOOR.exec(job.text) !== null) found++;
  }
  return found;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median wall time per job in µs of each function, rounds interleaved so load drift hits both alike. */
function timePair(jobs: readonly Job[], rounds: number): { parser: number; floor: number } {
  const perJob = (run: (j: readonly Job[]) => number) => {
    const start = performance.now();
    run(jobs);
    return ((performance.now() - start) * 1000) / jobs.length;
  };
  // One untimed round each: patterns are built and the code is compiled before timing starts.
  parseAll(jobs);
  floorAll(jobs);
  const parser: number[] = [];
  const floor: number[] = [];
  for (let r = 0; r < rounds; r++) {
    parser.push(perJob(parseAll));
    floor.push(perJob(floorAll));
  }
  return { parser: median(parser), floor: median(floor) };
}

function pathological(): Array<{ name: string; job: Job }> {
  const reasoning =
    'My coplayer is driven by the same motives as I am, so I expect them to reason the way I do. If I choose C ' +
    'and the coplayer chooses D, I get only 2 points. ';
  const cd = CORPUS_SPACES.CD;
  const job = (text: string): Job => ({ text, space: cd, options: {} });
  return [
    {
      name: '100 kB of reasoning, decision at the end',
      job: job(`${reasoning.repeat(Math.ceil(100_000 / reasoning.length))}\n\nTherefore, I choose D.`),
    },
    { name: "50,000 repeated 'C '", job: job('C '.repeat(50_000)) },
    { name: '10,000 repeated "I\'m sorry "', job: job("I'm sorry ".repeat(10_000)) },
    {
      name: '4,000 statements taken back with "instead"',
      job: job(`${'I choose C, I choose D, '.repeat(4_000)}instead`),
    },
  ];
}

/** `dir` is unused: the corpus is generated in memory and nothing is written. */
export async function benchParserSpeed(opts: { dir: string; rounds?: number }): Promise<BenchRow[]> {
  const rounds = opts.rounds ?? 15;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`bench/parser-speed: rounds must be a whole number, 1 or more, got ${rounds}`);
  const corpus = buildParsingCorpus();
  const jobs = corpus.map(
    (e): Job => ({
      text: e.text,
      space: e.space,
      options: e.finishReason === undefined ? {} : { finishReason: e.finishReason },
    }),
  );
  const meanChars = (js: readonly Job[]) => Math.round(js.reduce((s, j) => s + j.text.length, 0) / js.length);
  const groups: Array<{ label: string; jobs: Job[] }> = [
    { label: `all ${jobs.length.toLocaleString('en-US')} answers`, jobs },
    { label: 'option-label games', jobs: jobs.filter((j) => j.space.kind === 'choice') },
    { label: 'amount games', jobs: jobs.filter((j) => j.space.kind === 'integer') },
    { label: 'answers over 1,000 chars', jobs: jobs.filter((j) => j.text.length > 1000) },
  ];

  const rows: BenchRow[] = groups.map(({ label, jobs: js }) => {
    const t = timePair(js, rounds);
    return {
      comparison: `µs per answer, ${label}`,
      subject: {
        label: 'parseAnswer (normalise, JSON, statements, resolution, refusal)',
        value: t.parser,
        unit: 'µs/answer',
      },
      baseline: {
        label: 'one plain regex scan of the same texts for decision-like phrases',
        value: t.floor,
        unit: 'µs/answer',
      },
      note:
        `${js.length} SYNTHETIC answers (seeded corpus, no model called), mean ${meanChars(js)} chars; ` +
        `median of ${rounds} interleaved rounds; at this rate 1,000,000 answers take ` +
        `${t.parser.toFixed(1)} s of parsing.`,
    };
  });

  for (const { name, job } of pathological()) {
    const t = timePair([job], Math.max(3, Math.ceil(rounds / 3)));
    const result = parseAnswer(job.text, job.space);
    rows.push({
      comparison: `ms per answer, ${name}`,
      subject: { label: 'parseAnswer', value: t.parser / 1000, unit: 'ms' },
      baseline: { label: 'one plain regex scan of the same text', value: t.floor / 1000, unit: 'ms' },
      note:
        `${job.text.length.toLocaleString('en-US')} chars, result ` +
        `${result.ok ? `${result.action} (${result.rule})` : result.failure}.`,
    });
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
  const { formatSection } = await import('./format-table.js');
  const start = performance.now();
  const rows = await benchParserSpeed({ dir: '', rounds: Number(values.rounds) });
  process.stdout.write(
    formatSection('f', 'answer parser throughput vs a plain regex scan of the same texts (the floor)', {
      status: 'ok',
      rows,
      seconds: (performance.now() - start) / 1000,
    }),
  );
}
