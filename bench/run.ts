// `npm run bench`: every benchmark section, side by side in one process run, printed as a table
// of ratios with their absolute numbers. Every number is measured (or computed) by this run.
//
//   tsx bench/run.ts [--only a,d] [--samples 1000000] [--quick]
//
// A section whose module or prerequisites are missing prints as SKIPPED with the reason; one that
// throws prints as FAILED and makes the exit code 1. The others still run.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BenchSkip, checkRows, formatSection, type SectionOutcome } from './format-table.js';

// promptfoo reads these when it is first imported (by a section, dynamically): offline, quiet, and
// its database and logs in a throwaway directory unless the caller chose one.
const scratch = mkdtempSync(join(tmpdir(), 'stratalign-bench-'));
process.env.PROMPTFOO_DISABLE_TELEMETRY ??= '1';
process.env.PROMPTFOO_DISABLE_UPDATE ??= '1';
process.env.PROMPTFOO_DISABLE_RUNTIME_WARNINGS ??= '1';
process.env.PROMPTFOO_DISABLE_SHARING ??= '1';
process.env.PROMPTFOO_DISABLE_REMOTE_GENERATION ??= '1';
process.env.PROMPTFOO_CONFIG_DIR ??= join(scratch, 'promptfoo');

type Section = {
  id: string;
  title: string;
  file: string;
  exportName: string;
  options: (dir: string) => Record<string, unknown>;
};

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    samples: { type: 'string', default: '1000000' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const samples = Number(values.samples);
if (!Number.isInteger(samples) || samples < 1) {
  process.stderr.write(`bench: --samples must be a whole number, 1 or more, got ${JSON.stringify(values.samples)}\n`);
  process.exit(2);
}

const SECTIONS: Section[] = [
  {
    id: 'a',
    title: "our providers and assertion vs promptfoo's minimal provider, same rows (our overhead)",
    file: './promptfoo-overhead.ts',
    exportName: 'benchPromptfooOverhead',
    options: (dir) => ({ dir, rows: quick ? 50 : 500, repeats: quick ? 1 : 3 }),
  },
  {
    id: 'b',
    title: 'per-response mode vs batch-sample mode, 300 samples per scenario',
    file: './batch-vs-per-response.ts',
    exportName: 'benchBatchVsPerResponse',
    options: (dir) => ({ dir, samples: 300, scenarios: quick ? 1 : 4 }),
  },
  {
    id: 'c',
    title:
      `conversion and export of ${(quick ? Math.min(samples, 100_000) : samples).toLocaleString('en-US')} ` +
      `samples vs plain JSON parse + stringify (the floor), with peak memory`,
    file: './convert-export-rows.ts',
    exportName: 'benchConvertExportRows',
    options: (dir) => ({ dir, samples: quick ? Math.min(samples, 100_000) : samples }),
  },
  {
    id: 'd',
    title:
      "calls to pin each scenario's distribution (±0.05 at 95 %) and to settle the 0.1 gate, on the " +
      "paper's distributions",
    file: './sampling-efficiency.ts',
    exportName: 'benchSamplingEfficiency',
    options: (dir) => ({ dir }),
  },
  {
    id: 'e',
    title: 'throughput against the loopback server at a set latency, as a share of concurrency / latency',
    file: './loopback-throughput.ts',
    exportName: 'benchLoopbackThroughput',
    options: (dir) => ({ dir, concurrencies: quick ? [1, 16] : [1, 4, 16, 64], repeats: quick ? 1 : 3 }),
  },
  {
    id: 'f',
    title: 'answer parser throughput vs a plain regex scan of the same texts (the floor)',
    file: './parser-speed.ts',
    exportName: 'benchParserSpeed',
    options: (dir) => ({ dir, rounds: quick ? 3 : 15 }),
  },
  {
    id: 'g',
    title: 'answer parser recall: read / wrong / unread per model style (synthetic) and on real answers',
    file: './parser-recall.ts',
    exportName: 'benchParserRecall',
    options: (dir) => ({ dir }),
  },
  {
    id: 'h',
    title: 'validity probes: coverage of fingerprint and label-bias intervals on simulated players (probes.yaml size)',
    file: './probes-coverage.ts',
    exportName: 'benchProbesCoverage',
    options: (dir) => ({ dir, datasets: quick ? 40 : 400, resamples: quick ? 200 : 500 }),
  },
  {
    id: 'i',
    title: 'export --max-tokens (real tokenizers) vs the same export without a limit',
    file: './export-token-limit.ts',
    exportName: 'benchExportTokenLimit',
    options: (dir) => ({ dir, samples: quick ? 5_000 : 50_000 }),
  },
  {
    id: 'j',
    title:
      "the tolerance gate at cap 300 on the paper's students: sequential designs vs the simple design and fixed " +
      '300, teacher exact and estimated (exact, not simulated)',
    file: './gate-designs.ts',
    exportName: 'benchGateDesigns',
    options: (dir) => ({ dir, quick }),
  },
  {
    id: 'k',
    title: 'interval coverage where gates decide: seeded simulation at full size',
    file: './interval-coverage.ts',
    exportName: 'benchIntervalCoverage',
    options: (dir) => ({ dir, quick }),
  },
];

async function runSection(section: Section): Promise<SectionOutcome> {
  let module: Record<string, unknown>;
  try {
    module = (await import(section.file)) as Record<string, unknown>;
  } catch (err) {
    if (isMissing(err, section.file.slice(2)))
      return { status: 'skipped', reason: `bench/${section.file.slice(2)} not found` };
    return {
      status: 'failed',
      reason: `cannot load bench/${section.file.slice(2)}: ${(err as Error).message}`,
      seconds: 0,
    };
  }
  const run = module[section.exportName];
  if (typeof run !== 'function')
    return { status: 'skipped', reason: `bench/${section.file.slice(2)} does not export ${section.exportName}()` };
  const dir = mkdtempSync(join(scratch, `${section.id}-`));
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  try {
    const checked = checkRows(
      await (run as (o: Record<string, unknown>) => Promise<unknown>)({
        ...section.options(dir),
        // Long sections report their steps under their own letter, whatever it is.
        progress: (what: string) => process.stderr.write(`  (${section.id}) ${what}\n`),
      }),
    );
    if ('problem' in checked) return { status: 'failed', reason: checked.problem, seconds: seconds() };
    return { status: 'ok', rows: checked.rows, seconds: seconds() };
  } catch (err) {
    if (err instanceof BenchSkip) return { status: 'skipped', reason: err.message };
    return { status: 'failed', reason: (err as Error).stack ?? String(err), seconds: seconds() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function isMissing(err: unknown, file: string): boolean {
  const e = err as { code?: string; message?: string };
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(e?.message ?? '')) &&
    (e?.message ?? '').includes(file.replace(/\.ts$/, ''))
  );
}

const only = values.only?.split(',').map((s) => s.trim());
const chosen = SECTIONS.filter((s) => !only || only.includes(s.id));
const cpu = cpus();
process.stdout.write(
  `stratalign benchmark: node ${process.version}, ${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM${quick ? ', QUICK sizes' : ''}\n` +
    'Every number below was measured or computed in this run. ratio = measured / against.\n\n',
);
let failed = 0;
for (const section of chosen) {
  const outcome = await runSection(section);
  if (outcome.status === 'failed') failed++;
  process.stdout.write(`${formatSection(section.id, section.title, outcome)}\n`);
}
rmSync(scratch, { recursive: true, force: true });
// promptfoo can leave handles open (telemetry, database); end explicitly once stdout is flushed.
process.stdout.write('', () => process.exit(failed ? 1 : 0));
