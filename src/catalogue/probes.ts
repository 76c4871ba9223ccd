import { StratalignError } from '../shared/errors.js';
import { buildGridFamily, type GridFamily } from './games/grid-family.js';
import { inferLabelWord, type LabelVariant } from './games/label-variant.js';
import type { GridsFile, LabelsFile } from './schema.js';

export type ProbesFiles = { labels: LabelsFile; grids: GridsFile };

/** The games' own labels: every 2x2 game of the catalogue is written with these. */
const GAME_LABELS = { options: ['C', 'D'], cooperative: 'C' } as const;

/**
 * Label variants and grid families from their validated files, with the checks a schema cannot
 * make: distinct ids, two distinct labels, the cooperative label among them, a reference variant
 * that is the games' own C/D (so a scenario id without a variant means the paper's prompt),
 * families that form a grid.
 */
export function buildProbes(
  files: ProbesFiles,
  sources: { labels: string; grids: string },
): { variants: LabelVariant[]; reference: LabelVariant; families: GridFamily[] } {
  const variants = files.labels.variants.map((entry, i): LabelVariant => {
    const where = { file: sources.labels, field: `variants[${i}]` };
    const [a, b] = entry.options;
    if (a.toLowerCase() === b.toLowerCase()) {
      throw new StratalignError(
        { ...where, field: `${where.field}.options`, value: entry.options },
        'the two labels must differ (case is not enough: answers are read case-insensitively)',
        'give two distinct labels',
      );
    }
    if (!entry.options.includes(entry.cooperative)) {
      throw new StratalignError(
        { ...where, field: `${where.field}.cooperative`, value: entry.cooperative },
        'the cooperative label is not one of the two options',
        `use ${a} or ${b}`,
      );
    }
    return {
      id: entry.id,
      description: entry.description,
      options: [a, b],
      cooperative: entry.cooperative,
      word: entry.word ?? inferLabelWord(entry.options),
    };
  });
  unique(
    variants.map((v) => v.id),
    sources.labels,
    'variants',
  );
  const reference = variants.find((v) => v.id === files.labels.reference);
  if (!reference) {
    throw new StratalignError(
      { file: sources.labels, field: 'reference', value: files.labels.reference },
      'no variant has this id',
      `use one of ${variants.map((v) => v.id).join(', ')}`,
    );
  }
  if (reference.options.join() !== GAME_LABELS.options.join() || reference.cooperative !== GAME_LABELS.cooperative) {
    throw new StratalignError(
      { file: sources.labels, field: 'reference', value: reference.id },
      "the reference variant must show the games' own labels, C then D, with C cooperative",
      'point `reference` at a variant with options [C, D] and cooperative C: ' +
        'scenario ids without a variant mean that prompt',
    );
  }

  const families = files.grids.families.map((entry, i) => {
    const built = buildGridFamily(entry);
    if (typeof built === 'string')
      throw new StratalignError(
        { file: sources.grids, field: `families[${i}]`, value: entry.id },
        built,
        'fix the fixed and vary entries of this family',
      );
    return built;
  });
  unique(
    families.map((f) => f.id),
    sources.grids,
    'families',
  );
  return { variants, reference, families };
}

function unique(ids: string[], file: string, field: string): void {
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i)
      throw new StratalignError(
        { file, field: `${field}[${i}].id`, value: id },
        'id is already used by another entry',
        'give every entry a distinct id',
      );
  });
}
