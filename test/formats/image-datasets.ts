/** Helpers for the ImageNet, ImageNet-txt and MNIST tests: small datasets in memory, and descriptions to compare. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, DatasetItem, Image, Label } from '../../src/index.js';
import { noise, sha256 } from '../helpers.js';

export { noise } from '../helpers.js';

/** A random image; `ext` is the extension its "source" names. */
export function randomImage(h: number, w: number, seed: number, options: { channels?: number; ext?: string } = {}): Image {
  const channels = options.channels ?? 3;
  return new Image(noise(h * w * channels, seed), h, w, channels, { ext: options.ext ?? '' });
}

export function item(id: string, labels: number[], media: Image | null, subset = 'default'): DatasetItem {
  return new DatasetItem({ id, subset, media, annotations: labels.map((l) => new Label(l)) });
}

export interface ItemDescription {
  subset: string;
  id: string;
  labels: number[];
  /** [height, width, channels], or null without media. */
  size: [number, number, number] | null;
  sha256: string | null;
}

/** Items sorted by subset and id, with their label indices and pixel hashes. */
export function describeItems(ds: Iterable<DatasetItem>): ItemDescription[] {
  return [...ds]
    .map((i) => ({
      subset: i.subset,
      id: i.id,
      labels: i.annotations.map((a) => a.label),
      size: i.media ? ([i.media.height, i.media.width, i.media.channels] as [number, number, number]) : null,
      sha256: i.media ? sha256(i.media.data) : null,
    }))
    .sort((a, b) => (a.subset + '\0' + a.id < b.subset + '\0' + b.id ? -1 : a.subset + '\0' + a.id > b.subset + '\0' + b.id ? 1 : 0));
}

export function labelNames(ds: Dataset): { name: string; parent: string }[] {
  return ds.labels.items.map((l) => ({ name: l.name, parent: l.parent }));
}

export function sortedPaths(files: Map<string, Uint8Array>): string[] {
  return [...files.keys()].sort();
}

export function maxPixelError(a: Image, b: Image): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

/** Runs `fn` with a fresh temporary folder, removed after. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cifarkit-test-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const decodeText = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
