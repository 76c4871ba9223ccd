import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { defaultCatalogue } from './src/catalogue/index.js';
import { summariseEval } from './src/summary/summarise-eval.js';
import { simulatedRows } from './test/helpers/simulated-rows.js';
const c = defaultCatalogue();
const cfg = load(readFileSync('examples/probes.yaml', 'utf8')) as any;
for (const seed of (process.argv[2] ?? '1').split(',').map(Number)) {
  const providers = cfg.providers.map((p: any) => ({ label: p.label, config: { ...p.config, seed } }));
  const rows = simulatedRows(c, cfg.tests[0].config, providers);
  const out = await summariseEval(rows, null, c);
  const outside = out.text.split('\n').filter((l) => l.includes('OUTSIDE'));
  console.log('seed', seed, 'outside', outside.length, outside.join(' | '));
  if (process.argv[3]) console.log(out.text);
}
