import type { DataFile, SideFile } from './format.js';

/**
 * LLaMA-Factory finds datasets through `dataset_info.json` in its dataset_dir: one entry per data
 * file, named `<name>_train` / `<name>_validation`, to use as `dataset:` and `eval_dataset:`.
 * Merge these entries into your dataset_info.json, or point dataset_dir at the export directory.
 */
export function datasetInfo(name: string, dataFiles: readonly DataFile[], entry: Record<string, unknown>): SideFile[] {
  const info: Record<string, unknown> = {};
  for (const file of dataFiles) info[`${name}_${file.split}`] = { file_name: file.name, ...entry };
  return [{ name: 'dataset_info.json', content: `${JSON.stringify(info, null, 2)}\n` }];
}
