import { resolve } from 'node:path';
import type { Catalogue } from '../../catalogue/catalogue.js';
import { configLocation } from '../../shared/config-location.js';
import { readReference, type ReferenceSelector } from './read-reference.js';
import type { Reference } from './reference.js';

const cache = new Map<string, Reference>();

/**
 * Reads a reference once per process: an assertion runs per row, up to tens of thousands of times.
 * A relative path is read from the promptfoo config's folder, as promptfoo reads `file://` paths.
 */
export function cachedReference(
  file: string,
  selector: ReferenceSelector,
  catalogue: Catalogue,
  baseDir: string = configLocation().dir,
): Reference {
  const path = resolve(baseDir, file);
  const key = `${path}\u0000${selector.role ?? ''}\u0000${selector.model ?? ''}\u0000${catalogue.version}`;
  let reference = cache.get(key);
  if (!reference) {
    reference = readReference(path, catalogue, selector);
    cache.set(key, reference);
  }
  return reference;
}
