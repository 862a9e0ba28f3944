/**
 * The CIFAR files Datumaro's own test suite ships (written by Datumaro's exporter), read from
 * test/fixtures/datumaro and test/fixtures/original; expected content as documented in FORMAT-NOTES.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { BACKENDS, withBackend } from '../helpers.js';

const ASSETS = join(import.meta.dirname, '../fixtures/datumaro');
const ORIGINAL_META = join(import.meta.dirname, '../fixtures/original/cifar-10-batches-py');
const IMAGE_5_HWC = [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6];

function summary(ds: Dataset) {
  return [...ds].map((i) => ({
    subset: i.subset,
    id: i.id,
    labels: i.annotations.map((a) => a.label),
    size: i.media ? [i.media.height, i.media.width] : null,
  }));
}

function memoryFiles(dir: string): Record<string, Uint8Array> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
}

describe.each(BACKENDS)('Datumaro-written CIFAR (%s backend)', (backend) => {
  it.each(['path', 'memory'])('reads cifar10_dataset from a %s', async (how) => {
    const dir = join(ASSETS, 'cifar10_dataset');
    const ds = await withBackend(backend, () => Dataset.importFrom(how === 'path' ? dir : memoryFiles(dir), 'cifar'));
    expect(ds.format).toBe('cifar');
    expect(ds.labels.items).toEqual(['airplane', 'automobile', 'bird', 'cat'].map((name) => ({ name, parent: '' })));
    expect(ds.subsets()).toEqual(['data_batch_1', 'test_batch']);
    expect(ds.size).toBe(5);
    expect(summary(ds)).toEqual([
      { subset: 'data_batch_1', id: 'image_1', labels: [0], size: [32, 32] },
      { subset: 'test_batch', id: 'image_2', labels: [1], size: [32, 32] },
      { subset: 'test_batch', id: 'image_3', labels: [3], size: [32, 32] },
      { subset: 'test_batch', id: 'image_4', labels: [2], size: [32, 32] },
      { subset: 'test_batch', id: 'image_5', labels: [3], size: [2, 2] },
    ]);
    const items = [...ds];
    for (const item of items.slice(0, 4)) expect(item.media!.data.every((v) => v === 1)).toBe(true);
    expect([...items[4]!.media!.data]).toEqual(IMAGE_5_HWC);
    // One contiguous buffer per subset; items are views into it.
    const test = items.slice(1);
    expect(new Set(test.map((i) => i.media!.data.buffer)).size).toBe(1);
    expect(test.map((i) => i.media!.data.byteOffset)).toEqual([0, 3072, 6144, 9216]);
  });

  it('reads cifar100_dataset with superclasses as parents (format detected)', async () => {
    const ds = await withBackend(backend, () => Dataset.importFrom(join(ASSETS, 'cifar100_dataset')));
    expect(ds.format).toBe('cifar');
    expect(ds.labels.items).toEqual([
      { name: 'airplane', parent: 'air_object' },
      { name: 'automobile', parent: 'ground_object' },
      { name: 'bird', parent: 'air_object' },
    ]);
    expect(ds.subsets()).toEqual(['train', 'test']); // training data first, as torchvision
    expect(summary(ds)).toEqual([
      { subset: 'train', id: 'image_1', labels: [0], size: [7, 8] },
      { subset: 'train', id: 'image_2', labels: [1], size: [4, 5] },
      { subset: 'train', id: 'image_3', labels: [2], size: [4, 5] },
      { subset: 'test', id: 'image_1', labels: [0], size: [32, 32] },
      { subset: 'test', id: 'image_2', labels: [1], size: [32, 32] },
      { subset: 'test', id: 'image_3', labels: [2], size: [2, 2] },
    ]);
    expect([...ds.get('image_3', 'test')!.media!.data]).toEqual(IMAGE_5_HWC);
    expect(ds.get('image_1', 'train')!.media!.data.every((v) => v === 1)).toBe(true);
  });
});

describe('the original CIFAR-10 meta file (Python 2 cPickle)', () => {
  it('gives the ten CIFAR-10 names from SHORT_BINSTRING keys and values', async () => {
    const ds = await Dataset.importFrom(ORIGINAL_META);
    expect(ds.labels.items.map((l) => l.name)).toEqual([
      'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
    ]);
    expect(ds.size).toBe(0);
  });
});
