import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../src/catalogue/index.js';
import { renderPrompt } from '../src/catalogue/prompts/render.js';
import { expandGrid, resolveScenario } from '../src/catalogue/scenarios/scenario.js';

const catalogue = defaultCatalogue();

describe('prompt rendering', () => {
  it.each([
    ['international-relations/prisoners-dilemma', 'reasoned'],
    ['team/stag-hunt', 'letter-only'],
    ['sports/snowdrift@x2', 'letter-only'],
    ['friends/public-goods', 'reasoned'],
    ['business/prisoners-dilemma', 'structured'],
    ['friends/public-goods', 'structured'],
  ])('renders %s under %s exactly as snapshotted', (name, protocol) => {
    const rendered = renderPrompt(resolveScenario(catalogue, name), catalogue.protocol(protocol));
    expect(rendered).toMatchSnapshot();
  });

  it('states the scaled payoffs and never names the options as cooperate or defect', () => {
    const user = renderPrompt(resolveScenario(catalogue, 'biz/prison@x2'), catalogue.protocol('letter-only')).user;
    expect(user).toContain('If you choose D and your coplayer chooses C, you get 20 points.');
    for (const scenario of expandGrid(catalogue, { payoffScales: [1, 2] })) {
      for (const protocol of catalogue.protocols) {
        const { system, user: text } = renderPrompt(scenario, protocol);
        expect(`${system}\n${text}`).not.toMatch(/cooperat|defect|\{\{/i);
      }
    }
  });

  it('gives every prompt of the grid a distinct text', () => {
    const texts = expandGrid(catalogue, { payoffScales: [1, 2] }).map((s) =>
      JSON.stringify(renderPrompt(s, catalogue.protocol('reasoned')).messages),
    );
    expect(new Set(texts).size).toBe(texts.length);
  });
});
