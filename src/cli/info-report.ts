/** `cifarkit dinfo [target]` (alias `info`): what is in a dataset, as a table or JSON. */
import { Dataset } from '../index.js';

export interface DatasetInfo {
  path: string;
  format: string | null;
  items: number;
  subsets: { name: string; items: number }[];
  labels: { index: number; name: string; parent: string; items: number }[];
  unlabelled: number;
  multiLabelled: number;
  withoutImage: number;
  imageSizes: { height: number; width: number; channels: number; items: number }[];
}

export function datasetInfo(ds: Dataset, path: string): DatasetInfo {
  const perLabel = ds.labels.items.map(() => 0);
  const sizes = new Map<string, { height: number; width: number; channels: number; items: number }>();
  let unlabelled = 0;
  let multiLabelled = 0;
  let withoutImage = 0;
  for (const item of ds) {
    const labels = new Set(item.annotations.filter((a) => a.type === 'label').map((a) => a.label));
    if (labels.size === 0) unlabelled++;
    if (labels.size > 1) multiLabelled++;
    for (const l of labels) if (l < perLabel.length) perLabel[l]!++;
    const m = item.media;
    if (!m) {
      withoutImage++;
      continue;
    }
    const key = `${m.height}x${m.width}x${m.channels}`;
    const entry = sizes.get(key) ?? { height: m.height, width: m.width, channels: m.channels, items: 0 };
    entry.items++;
    sizes.set(key, entry);
  }
  return {
    path,
    format: ds.format,
    items: ds.size,
    subsets: ds.subsets().map((name) => ({ name, items: ds.getSubset(name).length })),
    labels: ds.labels.items.map((l, index) => ({ index, name: l.name, parent: l.parent, items: perLabel[index]! })),
    unlabelled,
    multiLabelled,
    withoutImage,
    imageSizes: [...sizes.values()].sort((a, b) => b.items - a.items || a.height - b.height || a.width - b.width),
  };
}

/** The human-readable report. */
export function formatInfo(info: DatasetInfo): string {
  const lines: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  const num = (n: number, w = 8) => String(n).padStart(w);
  lines.push(`${info.path}`);
  lines.push(`  format ${info.format ?? '-'}, ${info.items} items, ${info.labels.length} labels`);
  lines.push('', 'subsets');
  for (const s of info.subsets) lines.push(`  ${pad(s.name, 24)}${num(s.items)}`);
  let most = 1; // a loop, not Math.max(...): one argument per label would overflow past ~120k labels
  for (const l of info.labels) most = Math.max(most, l.items);
  lines.push('', 'labels');
  for (const l of info.labels) {
    const name = l.parent ? `${l.name} (${l.parent})` : l.name;
    lines.push(`  ${pad(name, 32)}${num(l.items)} ${'#'.repeat(Math.round((l.items / most) * 30))}`);
  }
  if (info.unlabelled) lines.push(`  ${pad('(unlabelled)', 32)}${num(info.unlabelled)}`);
  if (info.multiLabelled) lines.push(`  ${pad('(several labels)', 32)}${num(info.multiLabelled)}`);
  lines.push('', 'image sizes (height x width x channels)');
  for (const s of info.imageSizes) lines.push(`  ${pad(`${s.height}x${s.width}x${s.channels}`, 24)}${num(s.items)}`);
  if (info.withoutImage) lines.push(`  ${pad('(no image)', 24)}${num(info.withoutImage)}`);
  return lines.join('\n');
}
