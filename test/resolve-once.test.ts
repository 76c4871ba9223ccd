import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { tallyEvalRows } from '../src/report/summary/eval-tallies.js';
import { buildUnits } from '../src/report/unit-work.js';
import { readOutputFor, ENVELOPE_TAG, formatEnvelope } from '../src/answers/samples/envelope.js';

// Issue 13 item 2: a row's scenario is resolved once, when the row is read, and the object is
// carried to the report's units instead of being resolved again from its id.
const catalogue = defaultCatalogue();

function row(label: string, role: string, scenario: string, output: string) {
  return {
    provider: { id: 'file://providers/x.ts', label },
    vars: { scenario, split: 'in-sample' },
    response: { output, metadata: { stratalign: { role } } },
    failureReason: 0,
  };
}

describe('resolve once, carry the scenario', () => {
  it("hands on each row's resolved scenario by id, whatever spelling the row used", async () => {
    const spelled = 'Business/Prisoners-Dilemma';
    const id = resolveScenario(catalogue, spelled).id;
    const rows = [
      row('b', 'base', spelled, 'C'),
      row('t', 'teacher', id, 'D'),
      row('t', 'teacher', 'team/stag-hunt', 'C'),
    ];
    const tallied = await tallyEvalRows(rows, catalogue);
    expect([...tallied.scenarios.keys()].sort()).toEqual([id, resolveScenario(catalogue, 'team/stag-hunt').id].sort());
    for (const t of tallied.tallies) expect(tallied.scenarios.get(t.scenario)!.id).toBe(t.scenario);
  });

  it('builds the report units from the carried objects, not from the id strings', async () => {
    const rows = [
      row('b', 'base', 'business/prisoners-dilemma', 'C'),
      row('t', 'teacher', 'business/prisoners-dilemma', 'D'),
    ];
    const tallied = await tallyEvalRows(rows, catalogue);
    const id = tallied.tallies[0]!.scenario;
    // A planted object no resolution of the id could return: the unit must hold exactly it.
    const carried = { ...tallied.scenarios.get(id)!, description: 'carried' };
    const units = buildUnits(tallied.tallies, ['b', 't'], catalogue, 'test', new Map([[id, carried]]));
    expect(units).toHaveLength(1);
    expect(units[0]!.scenario).toBe(carried);
    // Without carried scenarios (data read from a file) the id is resolved as before.
    expect(buildUnits(tallied.tallies, ['b', 't'], catalogue, 'test')[0]!.scenario).toBe(
      resolveScenario(catalogue, id),
    );
  });

  it('still refuses an envelope for another scenario and accepts another spelling of the same one', () => {
    const scenario = resolveScenario(catalogue, 'business/prisoners-dilemma');
    const envelope = (name: string) =>
      formatEnvelope({
        stratalign: ENVELOPE_TAG,
        note: 'n',
        source: 'live',
        mode: 'multi',
        scenario: name,
        model: 'm',
        role: null,
        requested: 1,
        missing: { count: 0, reasons: [] },
        samples: [{ text: 'C' }],
      });
    expect(readOutputFor(envelope(scenario.id), scenario, catalogue).kind).toBe('envelope');
    expect(readOutputFor(envelope('Business/Prisoners-Dilemma'), scenario, catalogue).kind).toBe('envelope');
    expect(readOutputFor(envelope('team/stag-hunt'), scenario, catalogue)).toMatchObject({ kind: 'invalid' });
    expect(readOutputFor(envelope('nowhere/nothing'), scenario, catalogue)).toMatchObject({ kind: 'invalid' });
  });
});
