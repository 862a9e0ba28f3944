/**
 * `cifarkit compare <a> <b>`: what differs between two datasets, as a diff tool — items only in
 * one, items (matched by subset and id) whose labels, image size or pixels differ, and label
 * category differences. Exit 0 when equal, 1 when different, 2 for bad usage or unreadable input.
 */
import { CifarkitError, type Dataset, type DatasetItem } from '../../index.js';
import { defineCommand } from '../command.js';
import { describeError, progress } from '../common.js';
import { json, noPassThrough } from '../options.js';
import { loadTarget, targetName, targetOf } from '../targets.js';

interface ItemRef {
  subset: string;
  id: string;
}

interface ItemDifference extends ItemRef {
  differences: ('labels' | 'size' | 'pixels')[];
  a: { labels: string[]; size: [number, number, number] | null };
  b: { labels: string[]; size: [number, number, number] | null };
}

export interface Comparison {
  a: string;
  b: string;
  equal: boolean;
  labels: { onlyInA: string[]; onlyInB: string[]; orderDiffers: boolean };
  items: { a: number; b: number; matched: number; onlyInA: ItemRef[]; onlyInB: ItemRef[]; differing: ItemDifference[] };
}

const key = (item: ItemRef) => `${item.subset}\u0000${item.id}`;

function labelNames(ds: Dataset, item: DatasetItem): string[] {
  return item.annotations.map((a) => ds.labels.items[a.label]?.name ?? `#${a.label}`).sort();
}

function size(item: DatasetItem): [number, number, number] | null {
  return item.media ? [item.media.height, item.media.width, item.media.channels] : null;
}

function samePixels(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The differences between two datasets; `onItem` is called once per item of `a`. */
export function compareDatasets(a: Dataset, b: Dataset, names: [string, string], onItem?: () => void): Comparison {
  const aLabels = a.labels.items.map((l) => l.name);
  const bLabels = b.labels.items.map((l) => l.name);
  const inB = new Map<string, DatasetItem>();
  for (const item of b) inB.set(key(item), item);
  const seen = new Set<string>();
  const onlyInA: ItemRef[] = [];
  const differing: ItemDifference[] = [];
  for (const x of a) {
    onItem?.();
    const k = key(x);
    const y = inB.get(k);
    if (!y || seen.has(k)) {
      onlyInA.push({ subset: x.subset, id: x.id });
      continue;
    }
    seen.add(k);
    const differences: ItemDifference['differences'] = [];
    const [la, lb] = [labelNames(a, x), labelNames(b, y)];
    if (la.join('\u0000') !== lb.join('\u0000')) differences.push('labels');
    const [sa, sb] = [size(x), size(y)];
    if (String(sa) !== String(sb)) differences.push('size');
    else if (x.media && y.media && !samePixels(x.media.data, y.media.data)) differences.push('pixels');
    if (differences.length) differing.push({ subset: x.subset, id: x.id, differences, a: { labels: la, size: sa }, b: { labels: lb, size: sb } });
  }
  const onlyInB: ItemRef[] = [];
  for (const y of b) if (!seen.has(key(y))) onlyInB.push({ subset: y.subset, id: y.id });
  const labels = {
    onlyInA: aLabels.filter((n) => !bLabels.includes(n)),
    onlyInB: bLabels.filter((n) => !aLabels.includes(n)),
    orderDiffers: aLabels.join('\u0000') !== bLabels.join('\u0000'),
  };
  const equal = !labels.orderDiffers && onlyInA.length === 0 && onlyInB.length === 0 && differing.length === 0;
  return { a: names[0], b: names[1], equal, labels, items: { a: a.size, b: b.size, matched: seen.size, onlyInA, onlyInB, differing } };
}

const SHOWN = 20;

function formatComparison(c: Comparison): string {
  const lines = [`${c.a} vs ${c.b}: ${c.equal ? 'equal' : 'different'}`];
  lines.push(`items: ${c.items.a} and ${c.items.b}, ${c.items.matched} matched by (subset, id); ${c.items.onlyInA.length} only in the first, ${c.items.onlyInB.length} only in the second, ${c.items.differing.length} differ`);
  if (c.labels.onlyInA.length || c.labels.onlyInB.length) lines.push(`labels only in the first: ${c.labels.onlyInA.join(', ') || '-'}; only in the second: ${c.labels.onlyInB.join(', ') || '-'}`);
  else if (c.labels.orderDiffers) lines.push('labels: the same names in another order (label indices differ)');
  const list = (title: string, refs: ItemRef[]) => {
    if (!refs.length) return;
    lines.push('', title);
    for (const r of refs.slice(0, SHOWN)) lines.push(`  ${r.subset}/${r.id}`);
    if (refs.length > SHOWN) lines.push(`  ... ${refs.length - SHOWN} more (see --json)`);
  };
  list('only in the first', c.items.onlyInA);
  list('only in the second', c.items.onlyInB);
  if (c.items.differing.length) {
    lines.push('', 'differing');
    for (const d of c.items.differing.slice(0, SHOWN)) {
      const detail = d.differences.map((k) =>
        k === 'labels' ? `labels ${d.a.labels.join('+') || '-'} / ${d.b.labels.join('+') || '-'}` : k === 'size' ? `size ${d.a.size?.join('x') ?? 'no image'} / ${d.b.size?.join('x') ?? 'no image'}` : 'pixels',
      );
      lines.push(`  ${d.subset}/${d.id}: ${detail.join('; ')}`);
    }
    if (c.items.differing.length > SHOWN) lines.push(`  ... ${c.items.differing.length - SHOWN} more (see --json)`);
  }
  return lines.join('\n');
}

export const compare = defineCommand({
  command: 'compare <first> <second>',
  describe: 'Compare two datasets: items only in one, items whose labels, size or pixels differ, label differences',
  positionals: {
    first: { type: 'string', describe: 'a dataset: <path>[:<format>]' },
    second: { type: 'string', describe: 'the other dataset' },
  },
  options: { ...json },
  epilog: 'Exit code 0 when the datasets are equal, 1 when they differ, 2 for bad usage or unreadable input (as diff).',
  prepare(a, ctx) {
    noPassThrough(a, 'compare');
    const first = targetOf(a.first, undefined, 'first');
    const second = targetOf(a.second, undefined, 'second');
    return async () => {
      let c: Comparison;
      try {
        const [x, y] = [await loadTarget(first, ctx), await loadTarget(second, ctx)];
        const bar = progress('comparing', x.size, ctx.progress);
        try {
          c = compareDatasets(x, y, [targetName(first), targetName(second)], () => bar.tick());
        } finally {
          bar.done();
        }
      } catch (err) {
        if (!(err instanceof CifarkitError)) throw err;
        ctx.printError(describeError(err));
        return 2;
      }
      if (a.json) ctx.printJson(c);
      else ctx.print(formatComparison(c));
      return c.equal ? 0 : 1;
    };
  },
});
