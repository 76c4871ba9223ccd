/** A confidence interval for a proportion; its own file so every interval method can name it without a cycle. */
export type Interval = { low: number; high: number; level: number; method: string };
