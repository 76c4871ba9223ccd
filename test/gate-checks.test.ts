import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScope, parseCheckFlag, parseScope } from '../src/gate/checks.js';
import { readGateFile } from '../src/gate/gate-file.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('check flags', () => {
  it('read metric, bound, scope and threshold', () => {
    expect(parseCheckFlag('--min', 'paper-improvement@split=in-sample=40')).toEqual({ metric: 'paper-improvement', scope: { split: 'in-sample' }, bound: null, min: 40, origin: '--min paper-improvement@split=in-sample=40' });
    expect(parseCheckFlag('--max', 'tv-distance.upper@split=oos-context,game=*=0.25')).toMatchObject({ metric: 'tv-distance', scope: { split: 'oos-context', game: '*' }, bound: 'upper', max: 0.25 });
    expect(parseCheckFlag('--max', 'provider-errors=0')).toMatchObject({ metric: 'provider-errors', scope: {}, max: 0 });
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
  ])('name the file and field of a mistake (%#)', (text, message) => {
    const file = join(tempDir(), 'gate.yaml');
    writeFileSync(file, text);
    expect(() => readGateFile(file)).toThrow(message);
    expect(() => readGateFile(file)).toThrow(/gate\.yaml/);
  });
});
