import { actionOfLabel, displayedSpace } from '../../catalogue/games/label-variant.js';
import type { Scenario } from '../../catalogue/scenarios/scenario.js';
import { distributionFromTopLogprobs, type LogprobReading } from './logprob-distribution.js';
import type { TopLogprob } from './transport.js';

/**
 * The choice distribution of a scenario's first answer token, keyed by the game's actions: under a
 * label variant the tokens are the shown labels (J, F; or C and D with meanings exchanged) and
 * each label's probability goes to the action it stands for.
 */
export function scenarioLogprobs(top: readonly TopLogprob[], scenario: Scenario): LogprobReading {
  const space = scenario.game.actionSpace;
  const labels = scenario.labels;
  if (!labels || space.kind !== 'choice') return distributionFromTopLogprobs(top, space);
  const reading = distributionFromTopLogprobs(top, displayedSpace(labels));
  if (!reading.ok) return reading;
  const probabilities = Object.fromEntries(
    Object.entries(reading.distribution.probabilities).map(([label, p]) => [actionOfLabel(labels, space, label), p]),
  );
  return { ok: true, distribution: { ...reading.distribution, probabilities } };
}
