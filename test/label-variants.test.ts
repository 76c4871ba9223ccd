import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGUE_DIR, defaultCatalogue, loadCatalogue } from '../src/catalogue/index.js';
import { actionOfLabel, labelOfAction, letterTerm, positionTerm } from '../src/catalogue/games/label-variant.js';
import { scenarioLogprobs } from '../src/sources/live/labelled-logprobs.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { readSample, scoreBatch } from '../src/eval/scoring/score-samples.js';
import { parseScenarioAnswer } from '../src/answers/parsing/parse-answer.js';
import { baseScenarioId, expandGrid, resolveScenario } from '../src/catalogue/scenarios/scenario.js';
import { errorOf } from './helpers/error-of.js';
import { useTempDirs } from './helpers/temp-dir.js';

const catalogue = defaultCatalogue();
const tempDir = useTempDirs();

function catalogueWith(file: string, edit: (text: string) => string): string {
  const dir = tempDir();
  cpSync(DEFAULT_CATALOGUE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

describe('label variants in the catalogue', () => {
  it('ships the paper labels as reference and four counterbalancing variants', () => {
    expect(catalogue.referenceLabels).toMatchObject({
      id: 'paper',
      options: ['C', 'D'],
      cooperative: 'C',
      word: 'letter',
    });
    const shown = Object.fromEntries(
      catalogue.labelVariants.map((v) => [v.id, `${v.options.join('/')} coop ${v.cooperative} (${v.word})`]),
    );
    expect(shown).toEqual({
      paper: 'C/D coop C (letter)',
      swapped: 'C/D coop D (letter)',
      'neutral-jf': 'J/F coop J (letter)',
      'neutral-12': '1/2 coop 1 (number)',
      'order-swapped': 'D/C coop C (letter)',
    });
    expect(catalogue.probesVersion).toBe('labels@1+grids@1');
    // The paper's prompts are named by the three original files only: recordings of them stay valid.
    expect(catalogue.version).toBe('games@2+contexts@1+protocols@2');
  });

  it('refuses labels differing only in case, a stray cooperative label, and a reference other than C/D', () => {
    const same = catalogueWith('labels.yaml', (t) => t.replace('options: [J, F]', 'options: [J, j]'));
    expect(errorOf(() => loadCatalogue(same)).message).toMatch(
      /labels\.yaml: variants\[2\]\.options: the two labels must differ/,
    );
    const stray = catalogueWith('labels.yaml', (t) => t.replace('cooperative: J', 'cooperative: X'));
    expect(errorOf(() => loadCatalogue(stray)).message).toMatch(
      /variants\[2\]\.cooperative: the cooperative label is not one of the two options \(got "X"\)\. Fix: use J or F/,
    );
    const reference = catalogueWith('labels.yaml', (t) => t.replace('reference: paper', 'reference: swapped'));
    expect(errorOf(() => loadCatalogue(reference)).message).toMatch(
      /reference: the reference variant must show the games' own labels/,
    );
    const spaced = catalogueWith('labels.yaml', (t) => t.replace('options: [J, F]', "options: ['J J', F]"));
    expect(errorOf(() => loadCatalogue(spaced)).message).toMatch(
      /variants\[2\]\.options\[0\]: must be 1 to 16 characters without spaces/,
    );
    const twice = catalogueWith('labels.yaml', (t) => t.replace('- id: neutral-12', '- id: neutral-jf'));
    expect(errorOf(() => loadCatalogue(twice)).message).toMatch(/variants\[3\]\.id: id is already used/);
  });

  it('takes a new variant from data alone', () => {
    const dir = catalogueWith(
      'labels.yaml',
      (t) => `${t}  - id: words\n    description: two words\n    options: [Alpha, Beta]\n    cooperative: Beta\n`,
    );
    const other = loadCatalogue(dir);
    const scenario = resolveScenario(other, 'team/stag-hunt~words');
    expect(scenario.labels).toMatchObject({ options: ['Alpha', 'Beta'], cooperative: 'Beta', word: 'word' });
    expect(renderPrompt(scenario, other.protocol('letter-only')).user).toContain(
      'Answer with exactly one word, Alpha or Beta, and nothing else.',
    );
    expect(parseScenarioAnswer('Beta', scenario)).toMatchObject({ ok: true, action: 'C' });
  });
});

describe('scenario ids with a label variant', () => {
  it('name the variant after ~ and come back canonical; the reference variant has no suffix', () => {
    expect(resolveScenario(catalogue, 'biz/prison~swapped').id).toBe('business/prisoners-dilemma~swapped');
    expect(resolveScenario(catalogue, 'biz/prison@x2~NEUTRAL-12').id).toBe('business/prisoners-dilemma@x2~neutral-12');
    expect(resolveScenario(catalogue, 'biz/prison~paper').id).toBe('business/prisoners-dilemma');
    expect(resolveScenario(catalogue, 'biz/prison~paper').labels).toBeUndefined();
    expect(baseScenarioId(resolveScenario(catalogue, 'biz/prison@x2~swapped'))).toBe('business/prisoners-dilemma@x2');
  });

  it('say what is wrong with an unknown variant or a game without two options', () => {
    expect(errorOf(() => resolveScenario(catalogue, 'biz/prison~cd')).message).toMatch(
      /unknown label variant \(got "cd"\)\. Fix: use one of paper, swapped, neutral-jf, neutral-12, order-swapped/,
    );
    expect(errorOf(() => resolveScenario(catalogue, 'biz/pgg~swapped')).message).toMatch(
      /game public-goods has no two options to label/,
    );
  });

  it('are expanded per scenario when a selection names variants, public goods once', () => {
    const ids = expandGrid(catalogue, {
      contexts: ['team'],
      games: ['staghunt', 'pgg'],
      labels: ['paper', 'swapped', 'neutral-jf'],
    }).map((s) => s.id);
    expect(ids).toEqual(['team/stag-hunt', 'team/stag-hunt~swapped', 'team/stag-hunt~neutral-jf', 'team/public-goods']);
  });
});

describe('prompts under a label variant', () => {
  const render = (name: string, protocol = 'letter-only') =>
    renderPrompt(resolveScenario(catalogue, name), catalogue.protocol(protocol));

  it.each([
    ['team/stag-hunt~swapped', 'letter-only'],
    ['team/stag-hunt~neutral-jf', 'reasoned'],
    ['team/stag-hunt~neutral-12', 'letter-only'],
    ['team/stag-hunt~order-swapped', 'letter-only'],
  ])('renders %s under %s exactly as snapshotted', (name, protocol) => {
    expect(render(name, protocol)).toMatchSnapshot();
  });

  it('gives each label the payoffs of the action it stands for', () => {
    // Stag Hunt: R (C,C) 10, S (C,D) 2, T (D,C) 5, P (D,D) 3.
    expect(render('team/stag-hunt~swapped').user).toContain(
      '- If you choose C and your coplayer chooses C, you get 3 points.\n' +
        '- If you choose C and your coplayer chooses D, you get 5 points.',
    );
    expect(render('team/stag-hunt~swapped').user).toContain(
      '- If you choose D and your coplayer chooses D, you get 10 points.',
    );
    expect(render('team/stag-hunt~order-swapped').user).toContain(
      '- If you choose D and your coplayer chooses D, you get 3 points.\n' +
        '- If you choose D and your coplayer chooses C, you get 5 points.',
    );
    expect(render('team/stag-hunt~neutral-12').user).toContain(
      '- If you choose option 1 and your coplayer chooses option 2, you get 2 points.',
    );
    expect(render('team/stag-hunt~neutral-12').user).toContain(
      'Answer with exactly one number, 1 or 2, and nothing else.',
    );
    expect(render('team/stag-hunt~neutral-jf').system).toContain('labelled J and F.');
  });

  it('never shows the paper letters under neutral labels, nor names cooperation', () => {
    for (const scenario of expandGrid(catalogue, {
      games: ['prison', 'staghunt', 'snowdrift', 'delight'],
      labels: ['neutral-jf', 'neutral-12'],
    })) {
      for (const protocol of catalogue.protocols) {
        const { system, user } = renderPrompt(scenario, protocol);
        expect(`${system}\n${user}`).not.toMatch(/\b[CD]\b|cooperat|defect|\{\{/i);
      }
    }
  });
});

describe('answers under a label variant map back to actions, never to the letter', () => {
  // Each answer as a model under that variant would write it, and the action it means.
  const cases: [string, string, string][] = [
    ['team/stag-hunt~swapped', 'C', 'D'],
    ['team/stag-hunt~swapped', 'D', 'C'],
    ['team/stag-hunt~swapped', 'Answer: **C**\n\nThe coplayer will likely...', 'D'],
    ['team/stag-hunt~swapped', '{"answer": "D", "reason": "trust"}', 'C'],
    ['team/stag-hunt~neutral-jf', 'J', 'C'],
    ['team/stag-hunt~neutral-jf', 'I choose F.', 'D'],
    ['team/stag-hunt~neutral-jf', 'f', 'D'],
    ['team/stag-hunt~neutral-12', '1', 'C'],
    ['team/stag-hunt~neutral-12', 'I choose option 2', 'D'],
    ['team/stag-hunt~neutral-12', '**2**\nbecause the other side may not follow', 'D'],
    ['team/stag-hunt~order-swapped', 'D', 'D'],
    ['team/stag-hunt~order-swapped', 'My answer is C', 'C'],
    ['team/stag-hunt', 'C', 'C'],
  ];

  it.each(cases)('%s: %j means %s', (name, text, action) => {
    const scenario = resolveScenario(catalogue, name);
    const parsed = parseScenarioAnswer(text, scenario);
    expect(parsed).toMatchObject({ ok: true, action });
    // The evidence quotes the answer as written, the label, not the action.
    if (parsed.ok) expect(parsed.evidence.length).toBeGreaterThan(0);
  });

  it('does not read labels of another variant as a choice', () => {
    expect(parseScenarioAnswer('C', resolveScenario(catalogue, 'team/stag-hunt~neutral-jf'))).toMatchObject({
      ok: false,
    });
    expect(parseScenarioAnswer('J', resolveScenario(catalogue, 'team/stag-hunt~neutral-12'))).toMatchObject({
      ok: false,
    });
    expect(
      parseScenarioAnswer('I cannot pick either.', resolveScenario(catalogue, 'team/stag-hunt~swapped')),
    ).toMatchObject({ ok: false });
  });

  it('scores a batch in actions: the same answers mean opposite cooperation under the paper labels and swapped', () => {
    const samples = ['C', 'C', 'C', 'D'].map((text) => ({ text }));
    const reference = { counts: { C: 1, D: 1 }, n: 2, failures: {} } as never;
    const paper = resolveScenario(catalogue, 'team/stag-hunt');
    const swapped = resolveScenario(catalogue, 'team/stag-hunt~swapped');
    expect(scoreBatch(samples, 0, paper.game.actionSpace, reference, paper.labels).counts).toEqual({ C: 3, D: 1 });
    expect(scoreBatch(samples, 0, swapped.game.actionSpace, reference, swapped.labels).counts).toEqual({ C: 1, D: 3 });
    // A recorded choice is already an action: no label table applies to it.
    expect(readSample({ text: null, recordedChoice: 'C' }, swapped.game.actionSpace, swapped.labels)).toMatchObject({
      ok: true,
      action: 'C',
    });
  });

  it('reads log-probabilities of the shown labels as the actions they stand for', () => {
    const scenario = resolveScenario(catalogue, 'team/stag-hunt~neutral-jf');
    const reading = scenarioLogprobs(
      [
        { token: 'J', logprob: Math.log(0.6) },
        { token: ' F', logprob: Math.log(0.3) },
        { token: 'C', logprob: Math.log(0.1) },
      ],
      scenario,
    );
    expect(reading.ok && reading.distribution.probabilities.C).toBeCloseTo(0.6 / 0.9, 10);
    expect(reading.ok && reading.distribution.probabilities.D).toBeCloseTo(0.3 / 0.9, 10);
  });

  it('maps labels both ways and gives the letter and position terms of the choice model', () => {
    const byId = (id: string) => catalogue.findLabels(id)!;
    const space = { kind: 'choice' as const, options: ['C', 'D'], cooperative: 'C' };
    for (const v of catalogue.labelVariants) {
      for (const action of ['C', 'D']) expect(actionOfLabel(v, space, labelOfAction(v, space, action))).toBe(action);
    }
    const terms = Object.fromEntries(
      catalogue.labelVariants.map((v) => [v.id, [letterTerm(v, byId('paper')), positionTerm(v)]]),
    );
    expect(terms).toEqual({
      paper: [1, 1],
      swapped: [-1, -1],
      'neutral-jf': [0, 1],
      'neutral-12': [0, 1],
      'order-swapped': [1, -1],
    });
  });
});
