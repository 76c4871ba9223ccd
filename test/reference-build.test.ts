import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignment } from '../assertions/alignment.js';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { readSampleFile } from '../src/recordings/jsonl.js';
import { TallyBuilder } from '../src/recordings/load-tallies.js';
import { buildReference, formatReference } from '../src/recordings/reference/build-reference.js';
import { readReference } from '../src/recordings/reference/read-reference.js';
import { wilsonInterval } from '../src/stats/proportion.js';
import { run as cli } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const catalogue = defaultCatalogue();
const SHIPPED = 'datasets/references/lfb-teacher.reference.json';

describe('stratalign reference', () => {
  it('rebuilds the shipped teacher reference byte for byte', async () => {
    const out = join(tempDir(), 'ref.json');
    const { code, stdout: text } = await cli([
      'reference',
      'datasets/recordings/lfb-counts.csv',
      '--role',
      'teacher',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    expect(text).toMatch(/reference for llama2-70b-chat \(role teacher, recorded-counts\) written to .*: 32 scenarios/);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(SHIPPED, 'utf8'));
  });

  it('ships a reference that readReference reads back as the teacher rows of the counts table', () => {
    const reference = readReference(SHIPPED, catalogue);
    const teacher = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue).filter(
      (t) => t.role === 'teacher',
    );
    expect(Object.keys(reference.scenarios)).toHaveLength(teacher.length);
    for (const t of teacher)
      expect(reference.scenarios[t.scenario]).toEqual({
        counts: t.counts,
        n: t.counts.C! + t.counts.D!,
        failures: t.failures,
      });
    const raw = JSON.parse(readFileSync(SHIPPED, 'utf8'));
    const pd = raw.scenarios['international-relations/prisoners-dilemma'];
    expect(pd.interval).toMatchObject({ of: 'share', action: 'C', ...wilsonInterval(pd.counts.C, pd.n) });
    expect(pd.proportions.C).toBeCloseTo(pd.counts.C / pd.n, 12);
  });

  it('is what the alignment assertion scores against', () => {
    const vars = { scenario: 'international-relations/prisoners-dilemma' };
    const config = { reference: SHIPPED, minAgreement: 0.5 };
    const teacherD = alignment('D', { vars, config } as never);
    const teacherC = alignment('C', { vars, config } as never);
    // The teacher answered D in 223 of 300: a D answer agrees with it far more than a C answer.
    expect(teacherD.score).toBeCloseTo(223 / 300, 6);
    expect(teacherC.score).toBeCloseTo(77 / 300, 6);
    expect(teacherD.pass).toBe(true);
    expect(teacherC.pass).toBe(false);
  });

  it('reads back a reference built from simulated answers, labelled as simulated', () => {
    const tallies = [
      {
        split: 'in-sample',
        scenario: 'business/prisoners-dilemma',
        model: 'sim-teacher',
        role: 'teacher',
        counts: { C: 120, D: 180 },
        failures: {},
        source: 'simulated' as const,
      },
    ];
    const built = buildReference(tallies, {
      selector: { role: 'teacher' },
      catalogue,
      origin: 'sim.jsonl',
      built: 'test',
      minValid: 1,
      allowThin: false,
    });
    const file = join(tempDir(), 'sim.reference.json');
    writeFileSync(file, formatReference(built));
    const reference = readReference(file, catalogue);
    expect(reference.source.kind).toBe('simulated');
    expect(reference.scenarios['business/prisoners-dilemma']).toMatchObject({ counts: { C: 120, D: 180 }, n: 300 });
  });

  it('builds from promptfoo results: the replayed teacher texts, parse failures apart', async () => {
    const out = join(tempDir(), 'ref.json');
    const { code, stdout: text } = await cli([
      'reference',
      'test/fixtures/convert/replay.results.json',
      '--model',
      'teacher llama2-70b-chat [replay]',
      '--out',
      out,
      '--min-valid',
      '2',
    ]);
    expect(code).toBe(0);
    expect(text).toMatch(/input had 2 provider-error rows \(2 answers\) and 6 missing samples/);
    const ref = JSON.parse(readFileSync(out, 'utf8'));
    expect(ref.scenarios['business/prisoners-dilemma']).toMatchObject({
      counts: { C: 1, D: 3 },
      n: 4,
      failures: { refusal: 1 },
      split: 'in-sample',
    });
    expect(ref.scenarios['sports/snowdrift']).toMatchObject({
      counts: { C: 1, D: 1 },
      n: 2,
      failures: { ambiguous: 1 },
      split: 'oos-context',
    });
    expect(ref.source.kind).toBe('replay');
  });

  it('refuses thin scenarios unless allowed, and marks them when allowed', async () => {
    const out = join(tempDir(), 'ref.json');
    const thin = await cli([
      'reference',
      'test/fixtures/convert/teacher-texts.jsonl',
      '--role',
      'teacher',
      '--out',
      out,
      '--min-valid',
      '3',
    ]);
    expect(thin.code).toBe(2);
    expect(thin.stderr).toMatch(
      /1 scenario\(s\) of llama2-70b-chat have fewer than 3 valid answers: sports\/snowdrift \(2\).*--allow-thin/,
    );
    const allowed = await cli([
      'reference',
      'test/fixtures/convert/teacher-texts.jsonl',
      '--role',
      'teacher',
      '--out',
      out,
      '--min-valid',
      '3',
      '--allow-thin',
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/thin .*sports\/snowdrift \(2\)/);
    const ref = JSON.parse(readFileSync(out, 'utf8'));
    expect(ref.scenarios['sports/snowdrift'].thin).toBe(true);
    expect(ref.scenarios['friends/stag-hunt'].thin).toBeUndefined();
  });

  it('gives amount games a mean interval', async () => {
    const tallies = new TallyBuilder();
    for await (const s of readSampleFile('test/fixtures/convert/teacher-texts.jsonl', catalogue)) tallies.add(s);
    tallies.add({
      schema: 'stratalign.sample/v1',
      scenario: 'business/public-goods',
      split: 'pg',
      model: 'llama2-70b-chat',
      role: 'teacher',
      text: '4',
      parse: { ok: true, action: 4, rule: 't', evidence: '4' },
      provenance: { source: 'live', origin: 't' },
    });
    tallies.add({
      schema: 'stratalign.sample/v1',
      scenario: 'business/public-goods',
      split: 'pg',
      model: 'llama2-70b-chat',
      role: 'teacher',
      text: '8',
      parse: { ok: true, action: 8, rule: 't', evidence: '8' },
      provenance: { source: 'live', origin: 't' },
    });
    const ref = buildReference(tallies.tallies(), {
      selector: { role: 'teacher' },
      catalogue,
      origin: 'x',
      built: 'test',
      minValid: 1,
      allowThin: false,
    });
    const pg = ref.scenarios['business/public-goods']!;
    expect(pg.interval).toMatchObject({ of: 'mean', method: 'student-t' });
    expect((pg.interval!.low + pg.interval!.high) / 2).toBeCloseTo(6, 10);
  });

  it('rejects bad usage with exit 2', async () => {
    const both = await cli([
      'reference',
      'datasets/recordings/lfb-counts.csv',
      '--role',
      'teacher',
      '--model',
      'x',
      '--out',
      'x.json',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --role or --model \(exactly one\)/);
    const file = join(tempDir(), 'bad.csv');
    writeFileSync(file, 'split,context,game,payoff_scale,model,role,C,D\nin-sample,IR,prison,1,m,teacher,1,x\n');
    const bad = await cli(['reference', file, '--role', 'teacher', '--out', join(tempDir(), 'r.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv: line 2, column D: count must be a whole number/);
  });
});
