import type { Catalogue, Protocol } from '../catalogue/catalogue.js';
import type { ConversionSummary } from '../recordings/convert/promptfoo-results.js';
import type { LocatedSample } from '../recordings/convert/read-samples.js';
import type { TargetStyle } from './example.js';
import type { ExportFormat } from './formats/format.js';
import type { SourceSummary } from './manifest.js';
import type { ExportStep } from './staged-export.js';
import type { TokenizerId } from './token-count.js';

/** What `exportDatasets` is asked to do; apart from it so the commit step can name it without a cycle. */
export type ExportOptions = {
  formats: readonly ExportFormat[];
  /** Each format is written to `<outDir>/<format id>/`. */
  outDir: string;
  catalogue: Catalogue;
  protocol: Protocol;
  selector: { role?: string; model?: string };
  target: TargetStyle;
  keepUnparseable: boolean;
  dedupe: boolean;
  cap: number | null;
  validation: number;
  seed: string | number;
  holdout: { contexts: readonly string[]; games: readonly string[] };
  /** Dataset name used in trainer configs (LLaMA-Factory's dataset_info.json entries). */
  name: string;
  /** Examples longer than this many tokens (prompt and target, counted for each format's target model) are dropped. */
  maxTokens?: number | null;
  /** The tokenizer for every format; default: each format's own (o200k for OpenAI, llama2 for the others). */
  tokenizer?: TokenizerId | null;
  /** Notes for the user (e.g. an interrupted earlier export was cleaned up). */
  onNote?: (note: string) => void;
  /** Test seam: called before each file is made final and before each format is published; may throw. */
  onStep?: (step: ExportStep) => void;
  /** Where the samples come from; for promptfoo results, the summary the converter fills in as it reads. */
  source: { origin: string; kind: SourceSummary['kind']; conversion?: ConversionSummary };
  signal?: AbortSignal;
  onProgress?: (samplesRead: number) => void;
  /**
   * --balance-labels: a second, independent read of the same input. A first pass counts what each
   * label variant of a scenario would keep; every variant then keeps the smallest of those counts.
   */
  balanceLabels?: () => AsyncIterable<LocatedSample>;
};
