/**
 * Lossless CIFAR round trips (issue 19): the meta's full CIFAR-100 coarse list and every item's
 * coarse index, the meta fields and batch labels, byte for byte against the committed
 * generators' files; the subset order (train before test); and the defined subset order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { Dataset, DatasetItem, Image, Label, LabelCategories } from '../../src/index.js';
import { DType, NdArray, readPickle, writePickle, type PyWritable } from '../../src/pickle/index.js';
import { compareSubsetNames } from '../../src/formats/cifar/layout.js';
import { ndarrayToUint8 } from '../../src/pickle/ndarray.js';
import { dictGet, type PyDict, type PyValue } from '../../src/pickle/values.js';
import { BACKENDS, noise, sha256, withBackend } from '../helpers.js';

const GENERATED = join(import.meta.dirname, '../fixtures/generated');
const PY2_CIFAR10 = join(GENERATED, 'py2-cifar10/cifar-10-batches-py');
const PY2_CIFAR100 = join(GENERATED, 'py2-cifar100/cifar-100-python');

function pickleMap(bytes: Uint8Array): Map<string, unknown> {
  return readPickle(bytes) as Map<string, unknown>;
}

/** A field of a pickled dict, whatever its key type (the Python 2 files have byte-string keys). */
function fieldOf(file: string, field: string): PyValue | undefined {
  return dictGet(readPickle(new Uint8Array(readFileSync(file))) as PyDict, field);
}

/** The 20 superclasses of the real CIFAR-100 meta, in its order. */
const COARSE_20 = [
  'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables', 'household_electrical_devices',
  'household_furniture', 'insects', 'large_carnivores', 'large_man-made_outdoor_things', 'large_natural_outdoor_scenes',
  'large_omnivores_and_herbivores', 'medium_mammals', 'non-insect_invertebrates', 'people', 'reptiles', 'small_mammals',
  'trees', 'vehicles_1', 'vehicles_2',
];

/**
 * A 20-image CIFAR-100 train batch that uses only 11 of the 20 superclasses (fine label k has
 * coarse label COARSE_OF[k]), as a subset of the real data has it; written by cifarkit's pickle
 * writer in the Datumaro key order, pixels CHW.
 */
const COARSE_OF = [4, 4, 7, 7, 18, 18, 19, 2, 9, 12, 14, 17, 0, 5];
function twentyImages(): Record<string, Uint8Array> {
  const fineNames = COARSE_OF.map((_, k) => `fine_${k}`);
  const fine = Array.from({ length: 20 }, (_, i) => (i * 5) % COARSE_OF.length);
  const coarse = fine.map((f) => COARSE_OF[f]!);
  const data = new NdArray().init([20, 3072], new DType('u1'), false, noise(20 * 3072, 20));
  const meta = new Map<PyWritable, PyWritable>([['fine_label_names', fineNames], ['coarse_label_names', COARSE_20]]);
  const train = new Map<PyWritable, PyWritable>([
    ['filenames', fine.map((_, i) => `img_${i}.png`)],
    ['batch_label', 'training batch 1 of 1'],
    ['fine_labels', fine],
    ['coarse_labels', coarse],
    ['data', data],
  ]);
  return { meta: writePickle(meta), train: writePickle(train) };
}

describe.each(BACKENDS)('lossless CIFAR round trips (%s backend)', (backend) => {
  it.each([
    ['CIFAR-10', PY2_CIFAR10, ['batches.meta', 'data_batch_1', 'data_batch_2', 'test_batch']],
    ['CIFAR-100', PY2_CIFAR100, ['meta', 'train', 'test']],
  ] as const)('%s in the Python 2 layout: import -> export gives the generator\'s files byte for byte', async (_n, dir, files) => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(dir);
      const out = await ds.exportToFiles('cifar', { python2: true });
      expect([...out.keys()]).toEqual(files);
      for (const name of files) {
        expect(Buffer.from(out.get(name)!).equals(readFileSync(join(dir, name))), name).toBe(true);
      }
    });
  });

  it('keeps the meta fields and batch labels in infos, and writes them in the default layout too', async () => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(PY2_CIFAR10);
      expect(ds.infos).toEqual({
        num_cases_per_batch: 10000,
        num_vis: 3072,
        batch_labels: { data_batch_1: 'training batch 1 of 5', data_batch_2: 'training batch 2 of 5', test_batch: 'testing batch 1 of 1' },
      });
      const out = await ds.exportToFiles('cifar');
      const meta = pickleMap(out.get('batches.meta')!);
      expect([...meta.entries()]).toEqual([
        ['num_cases_per_batch', 10000],
        ['label_names', ds.labels.items.map((l) => l.name)],
        ['num_vis', 3072],
      ]);
      // Datumaro writes no batch_label for 'test_batch'; the source has one, so it stays
      expect(pickleMap(out.get('test_batch')!).get('batch_label')).toBe('testing batch 1 of 1');
      // a filtered subset keeps them as well
      const few = ds.filter((item) => item.subset === 'test_batch');
      expect(few.infos).toBe(ds.infos);
      const fewOut = await few.exportToFiles('cifar', { python2: true });
      expect(Buffer.from(fewOut.get('batches.meta')!).equals(readFileSync(join(PY2_CIFAR10, 'batches.meta')))).toBe(true);
      expect(Buffer.from(fewOut.get('test_batch')!).equals(readFileSync(join(PY2_CIFAR10, 'test_batch')))).toBe(true);
    });
  });

  it('a 20-image CIFAR-100 batch using 11 of the 20 superclasses keeps all 20 and every coarse index', async () => {
    await withBackend(backend, async () => {
      const source = twentyImages();
      const ds = await Dataset.importFrom(source);
      expect(ds.infos.coarse_label_names).toEqual(COARSE_20);
      expect(new Set(ds.labels.items.map((l) => l.parent)).size).toBe(11);
      const out = await ds.exportToFiles('cifar');
      expect(pickleMap(out.get('meta')!).get('coarse_label_names')).toEqual(COARSE_20);
      const before = pickleMap(source.train!);
      const after = pickleMap(out.get('train')!);
      expect(after.get('coarse_labels')).toEqual(before.get('coarse_labels'));
      expect(after.get('fine_labels')).toEqual(before.get('fine_labels'));
      expect(after.get('batch_label')).toBe('training batch 1 of 1');
      // The same after a filter down to the items of one superclass (19: vehicles_2)
      const one = ds.filter((item) => ds.labels.items[(item.annotations[0] as Label).label]!.parent === 'vehicles_2');
      expect(one.size).toBeGreaterThan(0);
      const oneOut = await one.exportToFiles('cifar');
      expect(pickleMap(oneOut.get('meta')!).get('coarse_label_names')).toEqual(COARSE_20);
      expect(new Set(pickleMap(oneOut.get('train')!).get('coarse_labels') as number[])).toEqual(new Set([19]));
    });
  });

  it('the unsorted coarse list of py2-cifar100 keeps its order and indices', async () => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(PY2_CIFAR100);
      expect(ds.infos.coarse_label_names).toEqual(['insects', 'vehicles_1', 'trees']);
      const out = await ds.exportToFiles('cifar');
      expect(pickleMap(out.get('meta')!).get('coarse_label_names')).toEqual(['insects', 'vehicles_1', 'trees']);
      for (const subset of ['train', 'test']) {
        expect(pickleMap(out.get(subset)!).get('coarse_labels'), subset).toEqual(fieldOf(join(PY2_CIFAR100, subset), 'coarse_labels'));
      }
    });
  });

  it('train comes before test, so toTensor puts the training images first (as torchvision)', async () => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(PY2_CIFAR100);
      expect(ds.subsets()).toEqual(['train', 'test']);
      const train = join(PY2_CIFAR100, 'train');
      const labels = [...(fieldOf(train, 'fine_labels') as number[]), ...(fieldOf(join(PY2_CIFAR100, 'test'), 'fine_labels') as number[])];
      const t = ds.toTensor();
      expect([...t.labels]).toEqual(labels);
      // the first image of the tensor is train's first row, HWC
      const rows = ndarrayToUint8(fieldOf(train, 'data') as NdArray);
      const hwc = Image.fromCHW(rows.slice(0, 3072), 32, 32).data;
      expect(sha256(t.data.subarray(0, 3072) as Uint8Array)).toBe(sha256(hwc));
    });
  });
});

describe('the subset order', () => {
  it('is train, data_batch_N by N, test, test_batch, then the others by code point', () => {
    const names = ['zz', 'test_batch', 'data_batch_10', 'Val', 'test', 'data_batch_2', 'extra', 'train', 'data_batch_1', 'data_batch_01', 'é', 'unlabeled'];
    expect([...names].sort(compareSubsetNames)).toEqual([
      'train', 'data_batch_01', 'data_batch_1', 'data_batch_2', 'data_batch_10', 'test', 'test_batch', 'Val', 'extra', 'unlabeled', 'zz', 'é',
    ]);
  });

  it('orders the files of an import so', async () => {
    const item = (id: string) => new Map<PyWritable, PyWritable>([['filenames', [`${id}.png`]], ['labels', [0]]]);
    const files: Record<string, Uint8Array> = { 'batches.meta': writePickle(new Map<PyWritable, PyWritable>([['label_names', ['x']]])) };
    for (const name of ['test_batch', 'data_batch_10', 'valid', 'test', 'data_batch_2', 'train']) files[name] = writePickle(item(name));
    const ds = await Dataset.importFrom(files);
    expect(ds.subsets()).toEqual(['train', 'data_batch_2', 'data_batch_10', 'test', 'test_batch', 'valid']);
    expect([...ds].map((i) => i.id)).toEqual(ds.subsets());
  });
});

describe('infos', () => {
  it('are frozen, kept by transform and merge (first dataset first), absent from datasets built in memory', async () => {
    const ds = await Dataset.importFrom(PY2_CIFAR10);
    expect(Object.isFrozen(ds.infos)).toBe(true);
    expect(ds.transform('map_subsets', { mapping: { test_batch: 'test' } }).infos).toEqual(ds.infos);
    const other = Dataset.fromIterable([], { infos: { num_vis: 1, extra: 'x' } });
    expect(Dataset.merge(ds, other).dataset.infos).toEqual({ ...ds.infos, extra: 'x' });
    expect(Dataset.fromIterable([]).infos).toEqual({});
    expect(() => Dataset.fromIterable([], { infos: [] as never })).toThrow(/infos must be an object/);
  });

  it('given by hand: a coarse list and batch labels an export uses, and ignores when unusable', async () => {
    const labels = LabelCategories.fromIterable([['rose', 'flowers']]);
    const items = [new DatasetItem({ id: 'r', subset: 'train', annotations: [new Label(0)] })];
    const files = async (infos: Record<string, unknown>) => Dataset.fromIterable(items, { labels, infos }).exportToFiles('cifar', { saveMedia: false });
    const good = await files({ coarse_label_names: ['trees', 'flowers'], batch_labels: { train: 'mine' } });
    expect(pickleMap(good.get('meta')!).get('coarse_label_names')).toEqual(['trees', 'flowers']);
    expect(pickleMap(good.get('train')!).get('coarse_labels')).toEqual([1]);
    expect(pickleMap(good.get('train')!).get('batch_label')).toBe('mine');
    // a parent missing from the kept list is added after it (then sorted, as Datumaro does)
    const extra = await files({ coarse_label_names: ['trees'] });
    expect(pickleMap(extra.get('meta')!).get('coarse_label_names')).toEqual(['trees', 'flowers']);
    // not a list of distinct names, not text, not a count: Datumaro's defaults
    const bad = await files({ coarse_label_names: ['a', 'a'], batch_labels: { train: 3 }, num_vis: -1, num_cases_per_batch: 'many' });
    expect([...pickleMap(bad.get('meta')!).keys()]).toEqual(['fine_label_names', 'coarse_label_names']);
    expect(pickleMap(bad.get('meta')!).get('coarse_label_names')).toEqual(['flowers']);
    expect(pickleMap(bad.get('train')!).has('batch_label')).toBe(false);
  });
});
