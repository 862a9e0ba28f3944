/** `id_from_image_name`: item ids from their image file names (Datumaro's IdFromImageName). */
import type { DatasetView } from '../../model/view.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { uniqueResults, withItem } from './items.js';
import { checkKeys, type TransformEntry } from './options.js';

/** `os.path.splitext(os.path.basename(path))[0]`: leading dots belong to the name. */
export function stemOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  let dot = base.lastIndexOf('.');
  let lead = 0;
  while (lead < base.length && base[lead] === '.') lead++;
  if (dot < lead) dot = -1;
  return dot < 0 ? base : base.slice(0, dot);
}

function idFromImageName(dataset: DatasetView, options: object): DatasetParts {
  const T = 'id_from_image_name';
  checkKeys(T, options, []);
  const pairs = [...dataset].map((item) => {
    // Images read from a file know its path; CIFAR's images come from a batch and keep their id (as in Datumaro).
    const path = item.media?.path ?? '';
    const id = path === '' ? '' : stemOf(path);
    return [item, id === '' || id === item.id ? item : withItem(item, { id })] as const;
  });
  const items = uniqueResults(T, pairs);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

export const ID_FROM_IMAGE_NAME: TransformEntry = {
  summary: "Renames items after their image file names without the extension (items whose image has no file, as CIFAR's, keep their id).",
  run: idFromImageName as TransformEntry['run'],
  args: [],
};
