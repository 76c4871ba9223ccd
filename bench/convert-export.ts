// Benchmark: promptfoo results -> recording -> fine-tuning dataset on a synthetic run of N samples,
// each phase in its own process so its peak memory is its own. Run alone with
//   npx tsx bench/convert-export.ts --samples 1000000 --dir /tmp/stratalign-bench [--samples-per-row 1] [--formats all]
// or import benchConvertExport (npm run bench).
import { spawn } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { runCli } from '../src/cli/main.js';
import { parseAnswer } from '../src/answers/parsing/parse-answer.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { writeSyntheticResults } from './synthetic-results.js';

export type PhaseResult = { ms: number; peakRssBytes: number; peakHeapBytes: number; note?: string };

export type ConvertExportBench = {
  samples: number;
  rows: number;
  resultsJsonBytes: number;
  /** `stratalign convert results.json --out recording.jsonl`, the real command. */
  convert: PhaseResult & { samplesPerSecond: number };
  /** `stratalign export recording.jsonl --format ... --protocol reasoned`, the real command. */
  export: PhaseResult & { samplesPerSecond: number; formats: string[]; outputBytes: number };
  /** Floor: JSON.parse of every JSONL row and its envelope, JSON.stringify of every sample; no parsing of answers. */
  floorPerRow: PhaseResult;
  /** The same plus parseAnswer on every text: what conversion cannot avoid. */
  floorWithParse: PhaseResult;
  /** Naive: JSON.parse + JSON.stringify of the whole results.json; null when V8 cannot hold the file as one string. */
  floorWholeFile: PhaseResult | null;
  wholeFileNote?: string;
};

const PHASES = ['convert', 'export', 'floor-rows', 'floor-parse', 'floor-whole'] as const;
type Phase = (typeof PHASES)[number];
/** V8's longest string (0x1fffffe8 UTF-16 units); a file longer than this cannot be JSON.parse'd whole. */
const MAX_STRING = 0x1fffffe8;

/**
 * Generates N samples of synthetic promptfoo output in `dir`, times the real convert and export
 * commands and three floors, each in a fresh process, and removes the (GB-sized) files unless `keep`.
 */
export async function benchConvertExport(opts: {
  samples: number;
  dir: string;
  formats?: string[];
  samplesPerRow?: number;
  textChars?: number;
  keep?: boolean;
}): Promise<ConvertExportBench> {
  mkdirSync(opts.dir, { recursive: true });
  const files = writeSyntheticResults(opts.dir, opts.samples, opts.samplesPerRow, opts.textChars);
  const formats = opts.formats ?? ['openai-chat'];
  const run = (phase: Phase) => runPhase(phase, opts.dir, formats);
  const convert = await run('convert');
  const exported = await run('export');
  const wholeFeasible = files.bytes < MAX_STRING;
  const result: ConvertExportBench = {
    samples: files.samples,
    rows: files.rows,
    resultsJsonBytes: files.bytes,
    convert: { ...convert, samplesPerSecond: Math.round(files.samples / (convert.ms / 1000)) },
    export: {
      ...exported,
      samplesPerSecond: Math.round(files.samples / (exported.ms / 1000)),
      formats,
      outputBytes: Number(exported.note ?? 0),
    },
    floorPerRow: await run('floor-rows'),
    floorWithParse: await run('floor-parse'),
    floorWholeFile: wholeFeasible ? await run('floor-whole') : null,
    ...(wholeFeasible
      ? {}
      : {
          wholeFileNote:
            `results.json is ${files.bytes} bytes, over V8's maximum string length (${MAX_STRING}): ` +
            `JSON.parse of the whole file is impossible, streaming is required`,
        }),
  };
  if (!opts.keep)
    for (const name of ['results.json', 'results.jsonl', 'recording.jsonl', 'export'])
      rmSync(`${opts.dir}/${name}`, { recursive: true, force: true });
  return result;
}

function runPhase(phase: Phase, dir: string, formats: string[]): Promise<PhaseResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', self, '--phase', phase, '--dir', dir, '--formats', formats.join(',')],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? done(JSON.parse(readFileSync(`${dir}/${phase}.result.json`, 'utf8')) as PhaseResult)
        : fail(new Error(`bench phase ${phase} exited ${code}`)),
    );
  });
}

/** Runs one phase in this process and writes its timing and peak memory to `<dir>/<phase>.result.json`. */
async function phaseMain(phase: Phase, dir: string, formats: string): Promise<void> {
  let peakHeap = 0;
  const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  const timer = setInterval(sample, 20);
  const start = performance.now();
  const note = await PHASE_WORK[phase](dir, formats, sample);
  const ms = performance.now() - start;
  clearInterval(timer);
  sample();
  const result: PhaseResult = {
    ms: Math.round(ms),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapBytes: peakHeap,
    ...(note ? { note } : {}),
  };
  writeFileSync(`${dir}/${phase}.result.json`, JSON.stringify(result));
}

const quiet = () => ({
  stdin: new PassThrough(),
  stdout: new PassThrough().resume(),
  stderr: process.stderr,
  cwd: process.cwd(),
});

const PHASE_WORK: Record<Phase, (dir: string, formats: string, sample: () => void) => Promise<string | undefined>> = {
  async convert(dir) {
    const code = await runCli(['convert', `${dir}/results.json`, '--out', `${dir}/recording.jsonl`], quiet());
    if (code !== 0) throw new Error(`convert exited ${code}`);
  },
  async export(dir, formats) {
    const code = await runCli(
      ['export', `${dir}/recording.jsonl`, '--format', formats, '--out', `${dir}/export`, '--protocol', 'reasoned'],
      quiet(),
    );
    if (code !== 0) throw new Error(`export exited ${code}`);
    return String(
      formats
        .split(',')
        .reduce(
          (sum, f) =>
            sum +
            statSync(`${dir}/export/${f}/train.jsonl`).size +
            statSync(`${dir}/export/${f}/validation.jsonl`).size,
          0,
        ),
    );
  },
  'floor-rows': (dir) => eachSample(dir, false),
  'floor-parse': (dir) => eachSample(dir, true),
  async 'floor-whole'(dir, _formats, sample) {
    const doc = JSON.parse(readFileSync(`${dir}/results.json`, 'utf8')) as unknown;
    sample();
    const text = JSON.stringify(doc);
    sample();
    return `${text.length} chars re-serialised`;
  },
};

async function eachSample(dir: string, parse: boolean): Promise<string> {
  const catalogue = defaultCatalogue();
  const lines = createInterface({
    input: createReadStream(`${dir}/results.jsonl`, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let chars = 0;
  for await (const line of lines) {
    const row = JSON.parse(line) as { vars: { scenario: string }; response: { output: string } };
    const envelope = JSON.parse(row.response.output) as { samples: { text: string }[] };
    const space = resolveScenario(catalogue, row.vars.scenario).game.actionSpace;
    for (const s of envelope.samples)
      chars += JSON.stringify({ text: s.text, parse: parse ? parseAnswer(s.text, space) : null }).length;
  }
  return `${chars} chars serialised`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) =>
    process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
  if (process.argv.includes('--phase')) await phaseMain(arg('--phase') as Phase, arg('--dir')!, arg('--formats')!);
  else {
    const perRow = arg('--samples-per-row');
    const result = await benchConvertExport({
      samples: Number(arg('--samples') ?? 1_000_000),
      dir: arg('--dir') ?? '/tmp/stratalign-bench-convert-export',
      formats: arg('--formats')?.split(','),
      ...(perRow ? { samplesPerRow: Number(perRow) } : {}),
    });
    console.log(JSON.stringify(result, null, 2));
  }
  process.exit(0);
}
