/**
 * datasetStatistics against numpy (test/fixtures/stats/generate.py: images of several sizes,
 * grayscale and exact repeats, with numpy's mean and std), on both pixel backends, and
 * the kernel itself compared between them on random images.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, datasetStatistics, Image, Label } from '../../src/api.js';
import { jsStatsKernels, statsKernels } from '../../src/kernels/stats.js';
import { BACKENDS, noise, withBackend } from '../helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/stats');

interface Expected {
  images: { id: string; subset: string; h: number; w: number; c: number; offset: number }[];
  dataset: { 'images count': number; 'image mean (RGB)': number[]; 'image std (RGB)': number[]; 'unique images count': number; 'repeated images': [string, string][][] };
  subsets: Record<string, { 'images count': number; 'image mean (RGB)': number[]; 'image std (RGB)': number[] }>;
}

const expected = JSON.parse(readFileSync(join(DIR, 'stats.expected.json'), 'utf8')) as Expected;
const blob = new Uint8Array(readFileSync(join(DIR, 'images.bin')));

function fixtureDataset(): Dataset {
  const items = expected.images.map(
    (m, k) =>
      new DatasetItem({
        id: m.id,
        subset: m.subset,
        media: new Image(blob.slice(m.offset, m.offset + m.h * m.w * m.c), m.h, m.w, m.c),
        annotations: k % 4 === 3 ? [] : [new Label(k % 2, { color: k % 3 === 0 ? 'red' : 'blue' })],
      }),
  );
  return Dataset.fromIterable([...items, new DatasetItem({ id: 'no-image', subset: 'train', annotations: [new Label(0)] })], { labels: ['cat', 'dog', 'bird'] });
}

function close(actual: unknown, want: number[]): void {
  expect(Array.isArray(actual)).toBe(true);
  const a = actual as number[];
  expect(a).toHaveLength(3);
  for (let c = 0; c < 3; c++) expect(Math.abs(a[c]! - want[c]!), `channel ${c}: ${a[c]} vs ${want[c]}`).toBeLessThan(1e-6);
}

describe.each(BACKENDS)('datasetStatistics (%s backend)', (backend) => {
  it('mean and std per channel match numpy to 1e-6, for the dataset and each subset', async () => {
    const s = await withBackend(backend, () => datasetStatistics(fixtureDataset()));
    expect(s.dataset['images count']).toBe(expected.dataset['images count']);
    close(s.dataset['image mean (RGB)'], expected.dataset['image mean (RGB)']);
    close(s.dataset['image std (RGB)'], expected.dataset['image std (RGB)']);
    expect(Object.keys(s.subsets)).toEqual(Object.keys(expected.subsets));
    for (const [name, want] of Object.entries(expected.subsets)) {
      expect(s.subsets[name]!['images count'], name).toBe(want['images count']);
      close(s.subsets[name]!['image mean (RGB)'], want['image mean (RGB)']);
      close(s.subsets[name]!['image std (RGB)'], want['image std (RGB)']);
    }
  });

  it('unique and repeated images as numpy groups them', async () => {
    const s = await withBackend(backend, () => datasetStatistics(fixtureDataset()));
    expect(s.dataset['unique images count']).toBe(expected.dataset['unique images count']);
    expect(s.dataset['repeated images']).toEqual(expected.dataset['repeated images']);
    expect(s.dataset['repeated images count']).toBe(2);
  });

  it("annotation counts and the label distribution in datum's shape", async () => {
    const s = await withBackend(backend, () => datasetStatistics(fixtureDataset()));
    // 12 items; items 3 and 7 (k % 4 === 3) have no annotation; even k are cats, odd dogs; no-image is a cat.
    expect(s['images count']).toBe(12);
    expect(s['annotations count']).toBe(10);
    expect(s['unannotated images']).toEqual(['a_copy', 'white_again']);
    expect(s['unannotated images count']).toBe(2);
    expect(s['annotations by type'].label).toEqual({ count: 10 });
    expect(s['annotations by type'].bbox).toEqual({ count: 0 });
    expect(s.annotations.labels.count).toBe(10);
    expect(s.annotations.labels.distribution).toEqual({ cat: [7, 0.7], dog: [3, 0.3], bird: [0, 0] });
    expect(s.annotations.labels.attributes.color).toEqual({ count: 9, 'values count': 2, 'values present': ['blue', 'red'], distribution: { red: [3, 3 / 9], blue: [6, 6 / 9] } });
  });

  it('an empty dataset, and a subset without images, give n/a as datum', async () => {
    const s = await withBackend(backend, () =>
      datasetStatistics(Dataset.fromIterable([new DatasetItem({ id: 'x', subset: 's', annotations: [] })], { labels: ['a'] })),
    );
    expect(s.dataset).toMatchObject({ 'images count': 0, 'unique images count': 0, 'image mean (RGB)': 'n/a', 'image std (RGB)': 'n/a' });
    expect(s.subsets.s).toEqual({ 'images count': 0, 'image mean (RGB)': 'n/a', 'image std (RGB)': 'n/a' });
  });
});

describe('the statistics kernel', () => {
  it('wasm and TypeScript give the same sums and hash for 1-4 channels and odd sizes', async () => {
    const wasm = await withBackend('wasm', () => statsKernels());
    expect(wasm.name).toBe('wasm');
    for (const [h, w, c, seed] of [[1, 1, 1, 1], [32, 32, 3, 2], [7, 13, 4, 3], [5, 3, 2, 4], [300, 301, 3, 5]] as const) {
      const data = noise(h * w * c, seed);
      expect(wasm.channelStats(data, h * w, c), `${h}x${w}x${c}`).toEqual(jsStatsKernels.channelStats(data, h * w, c));
    }
  });

  it('sums are exact at the extremes (every byte 255)', () => {
    const data = new Uint8Array(1000 * 1000 * 3).fill(255);
    const s = jsStatsKernels.channelStats(data, 1000 * 1000, 3);
    expect(s.sums).toEqual([255e6, 255e6, 255e6]);
    expect(s.squares).toEqual([65025e6, 65025e6, 65025e6]);
  });
});
