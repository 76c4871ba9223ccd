import type { Interval } from '../../stats/interval.js';

// The vocabulary of a sequential design, apart from the rules that use it, so the rules and their
// operating characteristics can name it without importing each other.

export type SequentialDesign = {
  /** Answers drawn between looks (drawn concurrently), e.g. 10. */
  batch: number;
  /** Most calls to spend, parse failures included, e.g. 300. */
  cap: number;
};

export type LookVerdict = 'settled-within' | 'settled-outside' | 'pinned' | 'futile' | 'continue';
export type Look = { verdict: LookVerdict; interval: Interval };
export type StoppingRule = (k: number, n: number) => Look;
