import { scalePayoffs, type Payoffs2x2 } from '../games/matrix-analysis.js';
import { classifyPayoffs, type RegionClass } from '../games/payoff-region.js';
import type { Scenario } from './scenario.js';

/** The payoffs a 2x2 scenario's prompt states (scaled, or the grid point's); null for other games. */
export function statedPayoffs(scenario: Scenario): Payoffs2x2 | null {
  const entry = scenario.game.entry;
  if (entry.kind !== 'matrix-2x2') return null;
  return scalePayoffs(entry.payoffs, scenario.payoffScale);
}

/** The payoff region of a 2x2 scenario (grid point or catalogue game); null for other games. */
export function scenarioRegion(scenario: Scenario): RegionClass | null {
  if (scenario.grid) return scenario.grid.region;
  const payoffs = statedPayoffs(scenario);
  return payoffs ? classifyPayoffs(payoffs) : null;
}
