import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScope, parseCheckFlag, parseScope } from '../src/report/gate/checks.js';
import type { CheckOutcome } from '../src/report/gate/evaluate.js';
import { readGateFile } from '../src/report/gate/gate-file.js';
import { renderOutcome } from '../src/report/gate/render-gate.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('check flags', () => {
  it('read metric, bound, scope and threshold', () => {
    expect(parseCheckFlag('--min', 'paper-improvement@split=in-sample=40')).toEqual({
      metric: 'paper-improvement',
      scope: { split: 'in-sample' },
      bound: null,
      min: 40,
      origin: '--min paper-improvement@split=in-sample=40',
    });
    expect(parseCheckFlag('--max', 'tv-distance.upper@split=oos-context,game=*=0.25')).toMatchObject({
      metric: 'tv-distance',
      scope: { split: 'oos-context', game: '*' },
      bound: 'upper',
      max: 0.25,
    });
    expect(parseCheckFlag('--max', 'provider-errors=0')).toMatchObject({
      metric: 'provider-errors',
      scope: {},
      max: 0,
    });
  });

  it.each([
    ['paper-improvment=40', /unknown metric/],
    ['paper-improvement.lowest=40', /unknown bound/],
    ['paper-improvement@split=in-sample', /expected a metric and a number/],
    ['paper-improvement=forty', /expected a metric and a number/],
    ['tv-distance@game=stag-hunt,context=team=0.2', /game and context together/],
    ['tv-distance@model=x=0.2', /cannot read scope part "model=x"/],
  ])('refuse %s', (text, message) => {
    expect(() => parseCheckFlag('--min', text)).toThrow(message);
  });

  it('write scopes the way the report labels its groups', () => {
    expect(formatScope(parseScope('overall', {}))).toBe('overall');
    expect(formatScope(parseScope('game=snowdrift, split=in-sample', {}))).toBe('split=in-sample,game=snowdrift');
  });
});

describe('gate files', () => {
  it('read checks with their own or the default bound', () => {
    const file = readGateFile('test/fixtures/report/gate-fail.yaml');
    expect(file.bound).toBe('conservative');
    expect(file.checks.map((c) => [c.metric, formatScope(c.scope), c.bound, c.min])).toEqual([
      ['paper-improvement', 'split=in-sample', null, 40],
      ['absolute-gap-closure', 'split=oos-context', null, 30],
    ]);
  });

  it.each([
    ['schema: stratalign.gate/v1\nchecks: [{ metric: tv-distance }]\n', /checks\[0\].*needs min or max/],
    ['schema: stratalign.gate/v1\nchecks: [{ metric: tv-distance, max: 0.2, limit: 3 }]\n', /checks\[0\]/],
    ['schema: stratalign.gate/v2\nchecks: [{ metric: tv-distance, max: 0.2 }]\n', /schema/],
    ['schema: stratalign.gate/v1\nchecks: [{ metric: tv, max: 0.2 }]\n', /checks\[0\]\.metric.*unknown metric/],
    ['schema: stratalign.gate/v1\nchecks: [{ metric: tv-distance, min: 0.3, max: 0.2 }]\n', /can never pass/],
    ['schema: stratalign.gate/v1\nchecks: [{ metric: tv-distance, max: 0.2\n', /invalid YAML/],
    [
      'schema: stratalign.gate/v1\nchecks: [{ metric: tv-distance, max: 3 }]\n',
      /checks\[0\]\.max: tv-distance is a distance between 0 and 1 \(got 3\)/,
    ],
    [
      'schema: stratalign.gate/v1\nchecks: [{ metric: provider-errors, max: 0.5 }]\n',
      /checks\[0\]\.max: provider-errors is a count/,
    ],
  ])('name the file and field of a mistake (%#)', (text, message) => {
    const file = join(tempDir(), 'gate.yaml');
    writeFileSync(file, text);
    expect(() => readGateFile(file)).toThrow(message);
    expect(() => readGateFile(file)).toThrow(/gate\.yaml/);
  });
});

describe('gate file thresholds in percent', () => {
  it.each([
    [
      'min: 0.25',
      new RegExp(
        String.raw`checks\[0\]\.min: pooled-gap-closure is in percent, so 0\.25 would mean 0\.25 %, which ` +
          String.raw`looks like a share \(got 0\.25\)\. Fix: write 25 for 25 %`,
      ),
    ],
    ['max: -0.5', /so -0\.5 would mean -0\.5 %.*Fix: write -50 for -50 %/],
    ['min: 150', /thresholds lie between -100 and 100.*\(got 150\)\. Fix: write at most 100/],
    ['min: -500', /\(got -500\)\. Fix: write at least -100/],
  ])(
    'are refused with the value to write when they look like a share or leave -100..100 (%s)',
    (threshold, message) => {
      const file = join(tempDir(), 'gate.yaml');
      writeFileSync(file, `schema: stratalign.gate/v1\nchecks: [{ metric: pooled-gap-closure, ${threshold} }]\n`);
      expect(() => readGateFile(file)).toThrow(message);
      expect(() => readGateFile(file)).toThrow(/gate\.yaml/);
    },
  );

  it('accept 0, 1 and the ends of the range, which are meant as written', () => {
    const file = join(tempDir(), 'gate.yaml');
    writeFileSync(
      file,
      'schema: stratalign.gate/v1\nchecks: [{ metric: pooled-gap-closure, min: 0 }, { metric: paper-improvement, ' +
        'min: 1, max: 100 }, { metric: absolute-gap-closure, min: -100 }]\n',
    );
    expect(readGateFile(file).checks.map((c) => [c.min, c.max])).toEqual([
      [0, undefined],
      [1, 100],
      [-100, undefined],
    ]);
  });
});

describe('outcome lines', () => {
  const outcome = (over: Partial<CheckOutcome>): CheckOutcome => ({
    pass: false,
    metric: 'pooled-gap-closure',
    unit: 'percent',
    where: 'split=in-sample',
    model: 'ft',
    bound: 'point',
    boundNote: null,
    comparator: '>=',
    threshold: 40,
    value: 39.996,
    estimate: null,
    detail: null,
    implicit: false,
    origin: '--min',
    ...over,
  });

  it('show as many digits as it takes to tell a failing value from its threshold', () => {
    expect(renderOutcome(outcome({}), 0.95)).toBe(
      'FAIL pooled-gap-closure at split=in-sample for ft: point estimate 39.996 % < min 40.000 % (short ' +
        'by 0.004 points)',
    );
    expect(
      renderOutcome(
        outcome({ unit: 'distance', metric: 'tv-distance', comparator: '<=', threshold: 0.2, value: 0.2000004 }),
        0.95,
      ),
    ).toBe('FAIL tv-distance at split=in-sample for ft: point estimate 0.2000004 > max 0.2000000 (over by 0.0000004)');
    expect(renderOutcome(outcome({ pass: true, value: 40.004 }), 0.95)).toBe(
      'PASS pooled-gap-closure at split=in-sample for ft: point estimate 40.00 % >= min 40.00 %',
    );
  });

  it('call a run-level count a count, not a point estimate', () => {
    const line = renderOutcome(
      outcome({
        metric: 'provider-errors',
        unit: 'count',
        where: 'overall',
        model: null,
        comparator: '<=',
        threshold: 0,
        value: 3,
      }),
      0.95,
    );
    expect(line).toBe('FAIL provider-errors at overall: count 3 > max 0 (over by 3)');
  });
});
