#!/usr/bin/env bash
# Applies the house style (biome.json) to the whole tree: the formatter, then the linter's safe fixes.
# Re-runnable: on an already formatted tree it changes nothing. Run it once after merging branches,
# commit the result as one "format" commit, then `npm run lint` (= biome ci .) must pass.
# Unsafe fixes are never applied: what the linter still reports after this needs a hand edit.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx biome format --write .
npx biome lint --write .
npx biome format --write .
npx biome ci . --max-diagnostics=50
