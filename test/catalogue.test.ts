import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGUE_DIR, defaultCatalogue, loadCatalogue } from '../src/catalogue/index.js';
import { StratalignError } from '../src/shared/errors.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

function catalogueWith(file: string, edit: (text: string) => string): string {
  const dir = tempDir();
  cpSync(DEFAULT_CATALOGUE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

describe('shipped catalogue', () => {
  const catalogue = defaultCatalogue();

  it('holds the four 2x2 games with the published payoffs and the public-goods game', () => {
    const payoffs = Object.fromEntries(
      catalogue.games
        .filter((g) => g.entry.kind === 'matrix-2x2')
        .map((g) => [g.id, (g.entry as { payoffs: unknown }).payoffs]),
    );
    expect(payoffs).toEqual({
      'prisoners-dilemma': { CC: 5, CD: 2, DC: 10, DD: 3 },
      'stag-hunt': { CC: 10, CD: 2, DC: 5, DD: 3 },
      snowdrift: { CC: 5, CD: 3, DC: 10, DD: 2 },
      'prisoners-delight': { CC: 10, CD: 3, DC: 5, DD: 2 },
    });
    expect(catalogue.findGame('public-goods')!.actionSpace).toEqual({
      kind: 'integer',
      min: 0,
      max: 10,
      unit: '$',
      meaning: 'donation',
      fractionalAmounts: 'round-half-up',
    });
  });

  it('has 5 in-sample and 3 out-of-sample contexts and three protocols', () => {
    expect(catalogue.contexts.filter((c) => c.split === 'in-sample').map((c) => c.key)).toEqual([
      'IR',
      'biz',
      'environment',
      'friendsharing',
      'team',
    ]);
    expect(catalogue.contexts.filter((c) => c.split === 'out-of-sample').map((c) => c.key)).toEqual([
      'sports',
      'roomsharing',
      'ventcap',
    ]);
    expect(catalogue.protocols.map((p) => p.id).sort()).toEqual(['letter-only', 'reasoned', 'structured']);
  });

  it("accepts every one of the paper's keys as an alias, case-insensitively", () => {
    const contexts = ['IR', 'biz', 'environment', 'friendsharing', 'team', 'sports', 'roomsharing', 'ventcap'];
    expect(contexts.map((k) => catalogue.findContext(k)?.id)).toEqual([
      'international-relations',
      'business',
      'environment',
      'friends',
      'team',
      'sports',
      'roommates',
      'venture-capital',
    ]);
    expect(['prison', 'delight', 'staghunt', 'snowdrift'].map((k) => catalogue.findGame(k)?.id)).toEqual([
      'prisoners-dilemma',
      'prisoners-delight',
      'stag-hunt',
      'snowdrift',
    ]);
    expect(catalogue.findContext('ir')?.id).toBe('international-relations');
    expect(catalogue.findGame('nonsense')).toBeUndefined();
  });

  it('carries a version made of the three file versions', () => {
    expect(catalogue.version).toBe('games@2+contexts@1+protocols@2');
  });
});

describe('catalogue validation', () => {
  it('names the file, field and value of a bad payoff', () => {
    const dir = catalogueWith('games.yaml', (t) =>
      t.replace('payoffs: { CC: 5, CD: 2, DC: 10, DD: 3 }', 'payoffs: { CC: five, CD: 2, DC: 10, DD: 3 }'),
    );
    expect(() => loadCatalogue(dir)).toThrowError(/games\.yaml: games\[0\]\.payoffs\.CC: .*\(got "five"\)\. Fix: /);
  });

  it('rejects unknown keys so a typo cannot pass silently', () => {
    const dir = catalogueWith('contexts.yaml', (t) =>
      t.replace('    coplayer: your friend\n', '    coplayer: your friend\n    copleyer: typo\n'),
    );
    expect(() => loadCatalogue(dir)).toThrowError(/contexts\.yaml: contexts\[3\].*copleyer/);
  });

  it('rejects an alias used by two games', () => {
    const dir = catalogueWith('games.yaml', (t) => t.replace('aliases: [staghunt]', 'aliases: [prison]'));
    expect(() => loadCatalogue(dir)).toThrowError(StratalignError);
    expect(() => loadCatalogue(dir)).toThrowError(/already used/);
  });

  it('reports YAML syntax errors with the line', () => {
    const dir = catalogueWith('protocols.yaml', (t) => `${t}\n  - id: [unclosed\n`);
    expect(() => loadCatalogue(dir)).toThrowError(/protocols\.yaml: line \d+: invalid YAML/);
  });

  it('adds a new 2x2 game from data alone, with its analysis computed', () => {
    const dir = catalogueWith('games.yaml', (t) =>
      t.replace(
        'games:\n',
        'games:\n  - id: battle\n    name: Battle\n    kind: matrix-2x2\n    payoffs: { CC: 1, CD: 0, DC: 0, DD: 1 }\n',
      ),
    );
    const game = loadCatalogue(dir).findGame('battle')!;
    expect(game.analysis!.pureNash).toEqual(['CC', 'DD']);
    expect(game.analysis!.orderingClass).toBe('other');
  });
});
