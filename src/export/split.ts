import { createRng, shuffled } from '../shared/random.js';

export type SplitName = 'train' | 'validation';

/** How examples are assigned to validation; recorded in the manifest so the split can be reproduced. */
export type SplitPlan = {
  method: 'seeded-blocks-per-scenario';
  validation: number;
  seed: string | number;
  /** Consecutive kept examples of a scenario form a block of this size... */
  blockSize: number;
  /** ...in which exactly this many positions, drawn by a seeded shuffle, go to validation. */
  slotsPerBlock: number;
};

/**
 * The smallest block in which the validation share is a whole number of examples (0.1 -> 1 in 10,
 * 0.25 -> 1 in 4), so every full block holds exactly the requested share; shares that need a
 * block over 1000 are rounded to a block of 1000.
 */
export function planSplit(validation: number, seed: string | number): SplitPlan {
  let blockSize = 1000;
  for (let b = 1; b <= 1000; b++) {
    if (Math.abs(validation * b - Math.round(validation * b)) < 1e-9) {
      blockSize = b;
      break;
    }
  }
  return {
    method: 'seeded-blocks-per-scenario',
    validation,
    seed,
    blockSize,
    slotsPerBlock: Math.round(validation * blockSize),
  };
}

/**
 * A seeded train/validation split, stratified by scenario, decided one example at a time so
 * nothing is held in memory. The k-th kept example of a scenario falls in block floor(k / B);
 * a shuffle seeded with (seed, scenario, block) picks which positions of that block are
 * validation. Every scenario therefore gets its share to within one partial block, the
 * decision for an example depends only on the seed and its position in its scenario's stream
 * (the same input and seed give the same split), and memory is one counter and one block's
 * slots per scenario.
 */
export class StratifiedSplitter {
  private readonly state = new Map<string, { next: number; block: number; slots: Set<number> }>();

  constructor(readonly plan: SplitPlan) {}

  assign(scenario: string): SplitName {
    if (this.plan.slotsPerBlock === 0) return 'train';
    let s = this.state.get(scenario);
    if (!s) {
      s = { next: 0, block: -1, slots: new Set() };
      this.state.set(scenario, s);
    }
    const { blockSize, slotsPerBlock, seed } = this.plan;
    const k = s.next++;
    const block = Math.floor(k / blockSize);
    if (block !== s.block) {
      const positions = Array.from({ length: blockSize }, (_, i) => i);
      s.slots = new Set(shuffled(positions, createRng(`${seed}/${scenario}/${block}`)).slice(0, slotsPerBlock));
      s.block = block;
    }
    return s.slots.has(k % blockSize) ? 'validation' : 'train';
  }
}
