import { createHash } from 'node:crypto';

/**
 * Remembers which (scenario, target) pairs were already exported. It keeps a 128-bit hash per
 * distinct example (about 100 bytes each in a Set, ~100 MB for a million distinct examples), not
 * the text; the chance that two distinct examples share a hash is negligible (~1e-27 at 1e6).
 */
export class Deduper {
  private readonly seen = new Set<string>();

  /** True when this pair was seen before; records it otherwise. */
  isDuplicate(scenario: string, target: string): boolean {
    const key = createHash('sha256').update(scenario).update('\u0000').update(target).digest('base64').slice(0, 22);
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    return false;
  }

  get size(): number {
    return this.seen.size;
  }
}
