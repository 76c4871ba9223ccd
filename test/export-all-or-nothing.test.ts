// An export publishes every file of every format or none: a failure at any point, the last file
// and the last move of the publish included, leaves the previous export byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readLocatedSamples } from '../src/recordings/convert/read-samples.js';
import { exportDatasets, type ExportOptions } from '../src/export/export-datasets.js';
import { EXPORT_FORMATS } from '../src/export/formats/registry.js';
import { trlMessages } from '../src/export/formats/trl-messages.js';
import { recoverInterrupted, type ExportStep } from '../src/export/staged-export.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const TEACHER = 'test/fixtures/convert/teacher-texts.jsonl';
const LAST = EXPORT_FORMATS[EXPORT_FORMATS.length - 1]!.id;

function options(outDir: string, over: Partial<ExportOptions> = {}): ExportOptions {
  return {
    formats: EXPORT_FORMATS,
    outDir,
    catalogue,
    protocol: catalogue.protocol('reasoned'),
    selector: { role: 'teacher' },
    target: 'raw',
    keepUnparseable: false,
    dedupe: false,
    cap: null,
    validation: 0.25,
    seed: 42,
    holdout: { contexts: [], games: [] },
    name: 'stratalign',
    source: { origin: 'test', kind: 'recording' },
    ...over,
  };
}

/** The teacher recording three times over, so OpenAI's minimum of 10 training examples is met. */
function recording(): string {
  const file = join(tempDir(), 'teacher-x3.jsonl');
  const lines = readFileSync(TEACHER, 'utf8').trim().split('\n');
  writeFileSync(file, `${[...lines, ...lines, ...lines].join('\n')}\n`);
  return file;
}

const run = (file: string, opts: ExportOptions) => exportDatasets(readLocatedSamples(file, catalogue), opts);

/** Every file and folder under `dir` with its bytes (folders as null), hidden ones included. */
function snapshot(dir: string): Record<string, string | null> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string | null> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    out[relative(dir, path)] = e.isDirectory() ? null : readFileSync(path).toString('base64');
  }
  return out;
}

const failAt = (match: (step: ExportStep) => boolean) => (step: ExportStep) => {
  if (match(step)) throw new Error(`injected failure at ${JSON.stringify(step)}`);
};

describe('an export that fails leaves the previous one byte for byte', () => {
  it('when the last file of the last format fails to be written', async () => {
    const file = recording();
    const out = tempDir();
    await run(file, options(out));
    const before = snapshot(out);
    expect(Object.keys(before)).toContain(join(LAST, 'manifest.json'));
    const steps: ExportStep[] = [];
    const lastFile = (s: ExportStep) => s.kind === 'write' && s.path.endsWith(join(LAST, 'manifest.json'));
    const onStep = (s: ExportStep) => {
      steps.push(s);
      failAt(lastFile)(s);
    };
    // A different split: every file would change.
    await expect(run(file, options(out, { validation: 0.5, seed: 7, onStep }))).rejects.toThrow(/injected failure/);
    expect(steps.filter((s) => s.kind === 'write').length).toBeGreaterThan(2 * EXPORT_FORMATS.length);
    expect(steps.some((s) => s.kind === 'publish')).toBe(false);
    expect(snapshot(out)).toEqual(before);
  });

  it('when the last format fails to be published, after the others were swapped in', async () => {
    const file = recording();
    const out = tempDir();
    await run(file, options(out));
    const before = snapshot(out);
    const published: string[] = [];
    const onStep = (s: ExportStep) => {
      if (s.kind === 'publish') published.push(s.format);
      failAt((x) => x.kind === 'publish' && x.format === LAST)(s);
    };
    await expect(run(file, options(out, { validation: 0.5, seed: 7, onStep }))).rejects.toThrow(/injected failure/);
    expect(published).toEqual(EXPORT_FORMATS.map((f) => f.id));
    expect(snapshot(out)).toEqual(before);
  });

  it('into a folder that did not exist: no folder is left behind', async () => {
    const out = join(tempDir(), 'new', 'datasets');
    await expect(
      run(recording(), options(out, { onStep: failAt((s) => s.kind === 'write' && s.path.endsWith('manifest.json')) })),
    ).rejects.toThrow(/injected/);
    expect(existsSync(join(out, '..'))).toBe(false);
  });

  it('when the data itself fails (a line that breaks its format), before anything is published', async () => {
    const file = recording();
    const out = tempDir();
    await run(file, options(out));
    const before = snapshot(out);
    await expect(
      run(
        file,
        options(out, {
          keepUnparseable: true,
          formats: [{ ...trlMessages, validate: () => ({ ok: false, field: 'messages', problem: 'forced' }) }],
        }),
      ),
    ).rejects.toThrow(/forced/);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('a successful export replaces each of its formats as a whole', () => {
  it('leaves no stale file of the previous export, and formats it did not write untouched', async () => {
    const file = recording();
    const out = tempDir();
    await run(file, options(out));
    const untouched = snapshot(join(out, 'together'));
    writeFileSync(join(out, 'trl-messages', 'notes.txt'), 'mine\n');
    await run(file, options(out, { formats: [trlMessages], validation: 0 }));
    expect(readdirSync(join(out, 'trl-messages')).sort()).toEqual(['manifest.json', 'train.jsonl']);
    expect(snapshot(join(out, 'together'))).toEqual(untouched);
    expect(readdirSync(out).filter((d) => d.startsWith('.'))).toEqual([]);
  });
});

describe('an export killed in the middle of publishing', () => {
  /** A process id that is certainly not running any more. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    return Number(child.stdout);
  }

  it('is undone by the next export into the same folder, format by format, whichever moves happened', async () => {
    const file = recording();
    const out = tempDir();
    await run(file, options(out, { formats: EXPORT_FORMATS.slice(0, 3) }));
    const before = snapshot(out);
    const [a, b, c] = EXPORT_FORMATS.slice(0, 3).map((f) => f.id) as [string, string, string];
    // What a kill between two renames leaves: format a swapped in, b moved out but not in, c not started.
    const staging = join(out, `.stratalign-staging-${deadPid()}-0badc0de`);
    mkdirSync(join(staging, 'previous'), { recursive: true });
    for (const id of [a, b, c]) {
      mkdirSync(join(staging, id));
      writeFileSync(join(staging, id, 'train.jsonl'), `new ${id}\n`);
    }
    const plan = { formats: [a, b, c].map((id) => ({ id, hadPrevious: true })) };
    writeFileSync(join(staging, 'publish.json'), JSON.stringify(plan));
    renameSync(join(out, a), join(staging, 'previous', a));
    renameSync(join(staging, a), join(out, a));
    renameSync(join(out, b), join(staging, 'previous', b));
    expect(snapshot(out)).not.toEqual(before);
    expect(recoverInterrupted(out)).toEqual([
      `an export into ${out} was interrupted while publishing; the previous export was restored`,
    ]);
    expect(snapshot(out)).toEqual(before);
  });

  it('refuses to write while another live export is staging into the same folder', async () => {
    const out = tempDir();
    mkdirSync(join(out, `.stratalign-staging-${process.ppid}-00000000`));
    await expect(run(recording(), options(out))).rejects.toThrow(
      new RegExp(`another export \\(process ${process.ppid}\\) is writing to`),
    );
  });
});
