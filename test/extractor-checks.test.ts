// Around the extractor: the config check names its missing key before the run, the gate's
// rule-read-rate refuses thresholds that cannot be meant, failed extractor calls are counted for
// the end-of-eval hook, and the report shows the parse-quality warning the summary shows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { checkSuite } from '../src/eval/config/suite-check.js';
import { parseCheckFlag } from '../src/report/gate/checks.js';
import { readGateFile } from '../src/report/gate/gate-file.js';
import { describeParseQuality, parseQualityByModel } from '../src/report/summary/parse-quality.js';
import { readCountsTable } from '../src/recordings/counts-table.js';
import { buildReport } from '../src/report/build-report.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderTerminal } from '../src/report/render-terminal.js';
import { describeExtractorErrors, extractorErrors } from '../src/report/summary/extractor-errors.js';
import { errorOf } from './helpers/error-of.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();

describe('the config check', () => {
  it('names an extractor key that is not in the environment, before any call', () => {
    const location = { file: 'suite/mine.yaml', dir: join(process.cwd(), 'suite') };
    const provider = {
      id: () => 'file://../providers/openai-compatible.ts',
      label: 'ft',
      config: { apiKeyEnv: 'SET_KEY', extractor: { apiKeyEnv: 'STRATALIGN_TEST_NO_EXTRACTOR_KEY' } },
    };
    const lines = checkSuite({ providers: [provider] } as never, { location, catalogue, env: { SET_KEY: 'k' } });
    expect(lines).toEqual([
      'stratalign: suite/mine.yaml: providers[ft].config.extractor.apiKeyEnv: the environment variable ' +
        'STRATALIGN_TEST_NO_EXTRACTOR_KEY is not set, so every extractor call would fail. Fix: export ' +
        'STRATALIGN_TEST_NO_EXTRACTOR_KEY=<your key> before the run, or set extractor.apiKeyEnv: null for a ' +
        'keyless local server',
    ]);
  });
});

describe('the rule-read-rate gate metric', () => {
  it(
    'is a floor in percent: a maximum, or a share for a percent, is a usage error naming the file, ' +
      'field, value and fix',
    () => {
      const dir = tempDir();
      const write = (check: string) => {
        const file = join(dir, `gate-${Math.random().toString(36).slice(2)}.yaml`);
        writeFileSync(file, `schema: stratalign.gate/v1\nchecks:\n  - ${check}\n`);
        return file;
      };
      const ceiling = write('{ metric: rule-read-rate, max: 90 }');
      const e = errorOf(() => readGateFile(ceiling));
      expect(e.message).toContain(ceiling);
      expect(e.message).toContain('checks[0].max');
      expect(e.message).toContain('(got 90)');
      expect(e.message).toContain('rule-read-rate is a floor');
      expect(e.message).toContain('Fix: write min: <percent>');
      const share = errorOf(() => readGateFile(write('{ metric: rule-read-rate, min: 0.95 }')));
      expect(share.message).toContain('checks[0].min');
      expect(share.message).toContain('write 95 for 95 %');
      const above = errorOf(() => readGateFile(write('{ metric: rule-read-rate, min: 120 }')));
      expect(above.message).toContain('a percentage between 0 and 100');
      expect(errorOf(() => parseCheckFlag('--max', 'rule-read-rate=90')).message).toContain(
        'rule-read-rate is a floor',
      );
      expect(parseCheckFlag('--min', 'rule-read-rate@split=*=95')).toMatchObject({
        metric: 'rule-read-rate',
        min: 95,
        scope: { split: '*' },
      });
    },
  );

  it('is not recorded for replayed counts, so a gate on it fails rather than reading 100 %', () => {
    const r = buildReport(
      {
        tallies: readCountsTable('datasets/recordings/lfb-counts.csv', catalogue),
        inputs: [{ file: 'x', kind: 'counts-table' }],
      },
      { models: {}, proportionInterval: 'wilson', resamples: 200, seed: 't' },
      catalogue,
    );
    const overall = r.groups.find((g) => g.label === 'overall')!;
    expect(overall.models.every((m) => m.ruleReadRate === null)).toBe(true);
    expect(r.parseQuality).toBeUndefined();
  });
});

describe('failed extractor calls', () => {
  it('are summed over rows with the first reason, for the EXTRACTOR ERRORS line', () => {
    const row = (errors: number, firstError?: string) => ({
      response: { metadata: { stratalign: { extractor: { errors, ...(firstError ? { firstError } : {}) } } } },
    });
    const e = extractorErrors([
      row(0),
      row(2, '503 server error at http://127.0.0.1:1/v1'),
      row(1, 'later'),
      { response: {} },
    ]);
    expect(e).toEqual({ answers: 3, rows: 2, firstError: '503 server error at http://127.0.0.1:1/v1' });
    expect(describeExtractorErrors(e)).toBe(
      'EXTRACTOR ERRORS: 3 answer(s) in 2 row(s) could not be put to the extractor and stay unread ' +
        '(extractor-error); first: 503 server error at http://127.0.0.1:1/v1',
    );
  });
});

describe('parse quality in the report', () => {
  it('shows per model the same line as the summary, warning when unread answers pile up in one scenario', () => {
    const tallies = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue).map((t) => {
      if (t.split !== 'in-sample') return { ...t, failures: {}, failuresRecorded: true };
      // The student's unread answers sit in one scenario: a bias the chi-square test must flag.
      const piled = t.role === 'fine-tuned' && t.scenario === 'business/prisoners-dilemma';
      return { ...t, failures: { 'no-choice': piled ? 40 : 1 }, failuresRecorded: true };
    });
    const r = buildReport(
      { tallies, inputs: [{ file: 'x', kind: 'counts-table' }] },
      { models: {}, proportionInterval: 'wilson', resamples: 200, seed: 't' },
      catalogue,
    );
    const ft = tallies.filter((t) => t.role === 'fine-tuned');
    const expected = describeParseQuality(parseQualityByModel(ft)[0]!);
    expect(expected).toContain('WARNING unread answers are unevenly spread over scenarios');
    const entry = r.parseQuality!.find((q) => q.model === ft[0]!.model)!;
    expect(entry.line).toBe(expected);
    expect(entry.spread!.p).toBeLessThan(0.01);
    expect(renderTerminal(r)).toContain(`  ${expected}`);
    expect(renderMarkdown(r)).toContain('WARNING unread answers are unevenly spread over scenarios');
    // Evenly spread failures raise no warning.
    const baseModel = tallies.find((t) => t.role === 'base')!.model;
    expect(r.parseQuality!.find((q) => q.model === baseModel)!.line).not.toContain('WARNING');
  });
});
