// Section (c) of `npm run bench`: the convert/export measurements as table rows.
import type { BenchRow } from './format-table.js';
import { benchConvertExport, type PhaseResult } from './convert-export.js';

const mb = (bytes: number) => Math.round(bytes / 1e6);
const s = (p: PhaseResult) => p.ms / 1000;

export async function benchConvertExportRows(opts: { samples: number; dir: string }): Promise<BenchRow[]> {
  const r = await benchConvertExport(opts);
  const size =
    `${r.samples.toLocaleString('en-US')} synthetic samples in ${r.rows.toLocaleString('en-US')} ` +
    `rows, results.json ${mb(r.resultsJsonBytes)} MB; each phase in its own process`;
  const rows: BenchRow[] = [
    {
      comparison: 'convert time vs JSON floor',
      subject: { label: 'stratalign convert', value: s(r.convert), unit: 's' },
      baseline: {
        label: 'JSON.parse of every row and envelope + JSON.stringify of every sample',
        value: s(r.floorPerRow),
        unit: 's',
      },
      note:
        `${size}; convert ${r.convert.samplesPerSecond.toLocaleString('en-US')} samples/s, peak RSS ` +
        `${mb(r.convert.peakRssBytes)} MB (floor ${mb(r.floorPerRow.peakRssBytes)} MB)`,
    },
    {
      comparison: 'convert time vs JSON floor + answer parsing',
      subject: { label: 'stratalign convert', value: s(r.convert), unit: 's' },
      baseline: { label: 'the floor plus parseAnswer on every text', value: s(r.floorWithParse), unit: 's' },
      note: 'what conversion cannot avoid: every answer must be parsed',
    },
    {
      comparison: 'export time vs JSON floor',
      subject: { label: `stratalign export (${r.export.formats.join(', ')})`, value: s(r.export), unit: 's' },
      baseline: { label: 'JSON floor of the same samples', value: s(r.floorPerRow), unit: 's' },
      note:
        `export ${r.export.samplesPerSecond.toLocaleString('en-US')} samples/s, ${mb(r.export.outputBytes)} ` +
        `MB written, peak RSS ${mb(r.export.peakRssBytes)} MB`,
    },
  ];
  const whole = r.floorWholeFile;
  rows.push(
    whole
      ? {
          comparison: 'peak memory: streaming convert vs whole-file JSON.parse',
          subject: { label: 'stratalign convert peak RSS', value: mb(r.convert.peakRssBytes), unit: 'MB' },
          baseline: {
            label: 'JSON.parse + stringify of the whole results.json',
            value: mb(whole.peakRssBytes),
            unit: 'MB',
          },
        }
      : {
          comparison: 'peak memory: streaming convert vs input size',
          subject: { label: 'stratalign convert peak RSS', value: mb(r.convert.peakRssBytes), unit: 'MB' },
          baseline: { label: 'results.json size', value: mb(r.resultsJsonBytes), unit: 'MB' },
          note: r.wholeFileNote,
        },
  );
  return rows;
}
