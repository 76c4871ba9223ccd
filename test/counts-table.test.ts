import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { parseCountsTable, readCountsTable } from '../src/recordings/counts-table.js';
import { failuresKnown } from '../src/recordings/types.js';

const catalogue = defaultCatalogue();
const HEADER = 'split,context,game,payoff_scale,model,role,C,D';

describe('counts tables', () => {
  it("reads the paper's recording: 3 models x 32 scenarios, splits kept as given", () => {
    const tallies = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue);
    expect(tallies).toHaveLength(96);
    expect(new Set(tallies.map((t) => t.split))).toEqual(new Set(['in-sample', 'oos-context']));
    const teacher = tallies.find((t) => t.model === 'llama2-70b-chat' && t.scenario === 'sports/prisoners-dilemma')!;
    expect(teacher).toMatchObject({
      split: 'oos-context',
      role: 'teacher',
      counts: { C: 0, D: 300 },
      source: 'recorded-counts',
    });
    // Two recorded base scenarios hold 295 answers, not 300: kept as recorded.
    const room = tallies.find((t) => t.model === 'llama2-7b-chat' && t.scenario === 'roommates/prisoners-dilemma')!;
    expect(room.counts).toEqual({ C: 261, D: 34 });
  });

  it('keeps any split name and reads failure columns', () => {
    const [t] = parseCountsTable(`${HEADER},refusal\nmy-holdout,biz,prison,2,m,,3,4,5\n`, 'x.csv', catalogue);
    expect(t).toMatchObject({
      split: 'my-holdout',
      scenario: 'business/prisoners-dilemma@x2',
      role: null,
      counts: { C: 3, D: 4 },
      failures: { refusal: 5 },
    });
    expect(failuresKnown(t!)).toBe(true);
  });

  it('marks parse failures as not recorded where no failure cell is filled, rather than as 0', () => {
    const paper = readCountsTable('datasets/recordings/lfb-counts.csv', catalogue);
    expect(paper.every((t) => t.failuresRecorded === false && !failuresKnown(t))).toBe(true);
    const [filled, empty, zero] = parseCountsTable(
      `${HEADER},refusal,empty\nin,biz,prison,1,a,,3,4,,1\nin,biz,prison,1,b,,3,4,,\nin,biz,prison,1,c,,3,4,0,\n`,
      'x.csv',
      catalogue,
    );
    expect(failuresKnown(filled!)).toBe(true);
    expect(filled!.failures).toEqual({ empty: 1 });
    expect(failuresKnown(empty!)).toBe(false);
    // A filled 0 is a recorded zero.
    expect(failuresKnown(zero!)).toBe(true);
  });

  it.each([
    ['split,ctx,game,payoff_scale,model,role,C,D\n', /column 2.*expected column "context"/],
    [`${HEADER}\nin,biz,prison,1,m,base,3\n`, /x\.csv: line 2: row has a different number of cells/],
    [`${HEADER}\nin,biz,prison,1,m,base,3,-1\n`, /line 2, column D: count must be a whole number.*\(got "-1"\)/],
    [`${HEADER}\nin,mars,prison,1,m,base,3,1\n`, /line 2: unknown context \(got "mars"\)/],
    [`${HEADER}\nin,biz,prison,1,m,base,3,1\nin,biz,prisoners-dilemma,1,m,base,3,1\n`, /line 3: duplicate of line 2/],
    ['split,context,game,payoff_scale,model,role,C,X\nin,biz,prison,1,m,base,3,1\n', /column X: "X" is not an action/],
    [`${HEADER}\nin,biz,prison,,m,base,3,1\n`, /payoff scale must be a positive number/],
  ])('rejects bad input with file, line and fix: %#', (text, message) => {
    expect(() => parseCountsTable(text, 'x.csv', catalogue)).toThrowError(message);
  });
});
