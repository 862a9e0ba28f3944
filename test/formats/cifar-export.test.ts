/**
 * CIFAR export: exact round trips over every fixture layout, Python (torchvision's and
 * Datumaro's way of loading) reading what we write, and safe writing.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { Dataset, DatasetItem, Image, Label, LabelCategories } from '../../src/index.js';
import * as pickle from '../../src/pickle/index.js';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { describeDataset } from '../runtimes/cases.mjs';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { GENERATED, loadCases } from '../runtimes/load-cases.mjs';
import { BACKENDS, expectCifarkitError, noise, sha256, withBackend } from '../helpers.js';
import { describePython, runPython } from '../python.js';

interface Case {
  name: string;
  input: string;
  expected?: { labels: unknown; subsets: unknown; items: unknown[] };
}
const cases: Case[] = (await loadCases()).filter((c: Case) => c.expected);
const root = GENERATED.pathname as string;
const ASSETS = join(import.meta.dirname, '../fixtures/datumaro');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cifarkit-test-'));
}

function image(h: number, w: number, seed: number, channels = 3): Image {
  return Image.fromHWC(noise(h * w * channels, seed), h, w, channels);
}

/** A CIFAR-100-style dataset with odd sizes, unlabelled items, odd ids and an item without an image. */
function mixedDataset(): Dataset {
  const labels = LabelCategories.fromIterable([
    ['apple', 'fruit'],
    ['pear', 'fruit'],
    ['tulip', 'flowers'],
  ]);
  return Dataset.fromIterable(
    [
      // train before test: the order a CIFAR import gives them back in
      new DatasetItem({ id: 'a/b/c', subset: 'train', media: image(32, 32, 1), annotations: [new Label(2)] }),
      new DatasetItem({ id: 'with space', subset: 'train', media: image(5, 7, 2), annotations: [new Label(0)] }),
      new DatasetItem({ id: 'кошка', subset: 'train', media: image(1, 1, 3), annotations: [] }),
      new DatasetItem({ id: 'no image', subset: 'train', media: null, annotations: [new Label(1)] }),
      new DatasetItem({ id: 't0', subset: 'test', media: image(32, 32, 4), annotations: [new Label(1)] }),
      new DatasetItem({ id: 't1', subset: 'test', media: image(32, 32, 5), annotations: [new Label(2)] }),
    ],
    { labels },
  );
}

describe.each(BACKENDS)('CIFAR round trips (%s backend)', (backend) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: import -> export -> import is exact', async (_n, c) => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(join(root, c.input));
      const before = await describeDataset(ds);
      const files = await ds.exportToFiles('cifar');
      const again = await Dataset.importFrom(files, 'cifar');
      expect(await describeDataset(again)).toEqual(before);
    });
  });

  it.each([
    ['protocol 2', { protocol: 2 }],
    ['protocol 3', { protocol: 3 }],
    ['protocol 5', { protocol: 5 }],
    ['the Python 2 layout', { python2: true }],
  ] as const)('a mixed CIFAR-100 dataset survives %s', async (_n, options) => {
    await withBackend(backend, async () => {
      const ds = mixedDataset();
      const files = await ds.exportToFiles('cifar', options);
      expect([...files.keys()].sort()).toEqual(['meta', 'test', 'train']);
      const again = await Dataset.importFrom(files);
      expect(again.labels.items).toEqual([
        { name: 'apple', parent: 'fruit' },
        { name: 'pear', parent: 'fruit' },
        { name: 'tulip', parent: 'flowers' },
      ]);
      expect(await describeDataset(again)).toEqual(await describeDataset(ds));
      // filenames got the default extension, which the re-import keeps
      expect(again.get('a/b/c')!.media!.ext).toBe('.png');
    });
  });

  it('writes grayscale images as R = G = B', async () => {
    await withBackend(backend, async () => {
      const gray = image(32, 32, 9, 1);
      const ds = Dataset.fromIterable([new DatasetItem({ id: 'g', subset: 'train', media: gray, annotations: [new Label(0)] })], { labels: ['x'] });
      const again = await Dataset.importFrom(await ds.exportToFiles('cifar'));
      const rgb = again.get('g')!.media!.data;
      for (let i = 0; i < 32 * 32; i++) expect([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]]).toEqual([gray.data[i], gray.data[i], gray.data[i]]);
    });
  });
});

describe('CIFAR export layout', () => {
  it('writes what Datumaro writes: meta, key order, batch_label, uint8 data for 32x32', async () => {
    const ds = await Dataset.importFrom(join(ASSETS, 'cifar10_dataset'));
    const files = await ds.exportToFiles('cifar', { saveDatasetMeta: true });
    expect([...files.keys()]).toEqual(['batches.meta', 'dataset_meta.json', 'data_batch_1', 'test_batch']);
    expect(JSON.parse(new TextDecoder().decode(files.get('dataset_meta.json')))).toEqual({ labels: ['airplane', 'automobile', 'bird', 'cat'] });
    const batch = pickle.readPickle(files.get('data_batch_1')!) as Map<string, unknown>;
    expect([...batch.keys()]).toEqual(['filenames', 'labels', 'data', 'batch_label']);
    expect(batch.get('batch_label')).toBe('training batch 1 of 5');
    const data = batch.get('data') as pickle.NdArray;
    expect([data.dtype.name, data.shape]).toEqual(['u1', [1, 3072]]);
    const test = pickle.readPickle(files.get('test_batch')!) as Map<string, unknown>;
    // this test_batch has a batch_label (an older Datumaro wrote it): kept as the source has it
    expect([...test.keys()]).toEqual(['filenames', 'labels', 'data', 'image_sizes', 'batch_label']);
    expect(test.get('batch_label')).toBe('testing batch 1 of 1');
    expect(test.get('image_sizes')).toEqual([[32, 32], [32, 32], [32, 32], [2, 2]]);
    // Without a kept one, Datumaro 1.9.1's rule: none for a subset named 'test_batch'
    const fresh = Dataset.fromIterable(ds, { labels: ds.labels });
    const plain = pickle.readPickle((await fresh.exportToFiles('cifar')).get('test_batch')!) as Map<string, unknown>;
    expect([...plain.keys()]).toEqual(['filenames', 'labels', 'data', 'image_sizes']);
  });

  it('keeps the image extension the source names, and imageExt overrides it', async () => {
    const ds = Dataset.fromIterable([new DatasetItem({ id: 'x', subset: 'test', media: Image.fromHWC(new Uint8Array(3072), 32, 32, 3, { ext: '.jpg' }) })]);
    const names = async (o: api.ExportOptions) => (pickle.readPickle((await ds.exportToFiles('cifar', o)).get('test')!) as Map<string, unknown>).get('filenames');
    expect(await names({})).toEqual(['x.jpg']);
    expect(await names({ imageExt: '.png' })).toEqual(['x.png']);
  });

  it('writes an empty data array and keeps labels when media is not saved', async () => {
    const again = await Dataset.importFrom(await mixedDataset().exportToFiles('cifar', { saveMedia: false }));
    expect([...again].map((i) => [i.id, i.media, i.annotations.map((a) => a.label)])).toEqual([
      ['a/b/c', null, [2]],
      ['with space', null, [0]],
      ['кошка', null, []],
      ['no image', null, [1]],
      ['t0', null, [1]],
      ['t1', null, [2]],
    ]);
  });

  it('refuses what it cannot write readably', async () => {
    const one = (subset: string, id = 'a') => Dataset.fromIterable([new DatasetItem({ id, subset, media: image(2, 2, 1) })]);
    await expectCifarkitError(() => one('train.v2').exportToFiles('cifar'), 'EXPORT_UNSUPPORTED', ["'train.v2'"]);
    await expectCifarkitError(() => one('../up').exportToFiles('cifar'), 'EXPORT_UNSUPPORTED', ["'../up'"]);
    await expectCifarkitError(() => one('meta').exportToFiles('cifar'), 'EXPORT_UNSUPPORTED', ["'meta'"]);
    const dup = Dataset.fromIterable([new DatasetItem({ id: 'a', subset: 's' }), new DatasetItem({ id: 'a', subset: 's' })]);
    await expectCifarkitError(() => dup.exportToFiles('cifar'), 'EXPORT_UNSUPPORTED', ["'a.png'"]);
    const badLabel = Dataset.fromIterable([new DatasetItem({ id: 'a', subset: 's', annotations: [new Label(4)] })], { labels: ['x'] });
    await expectCifarkitError(() => badLabel.exportToFiles('cifar'), 'LABEL_OUT_OF_RANGE', ["'a'", 'label 4']);
    await expectCifarkitError(() => mixedDataset().exportToFiles('cifar', { protocol: 7 as never }), 'EXPORT_UNSUPPORTED', ['protocol 7']);
    await expectCifarkitError(() => mixedDataset().exportToFiles('kitti' as never), 'FORMAT_UNKNOWN', ["'kitti'"]);
  });
});

describe('Dataset.export writes safely', () => {
  it('writes a folder that imports back', async () => {
    const out = join(tempDir(), 'cifar-out');
    expect(await mixedDataset().export(out, 'cifar')).toBe(3);
    expect(readdirSync(out).sort()).toEqual(['meta', 'test', 'train']);
    expect((await Dataset.importFrom(out)).size).toBe(6);
  });

  it('refuses a non-empty folder unless overwrite, and then replaces it whole', async () => {
    const out = join(tempDir(), 'cifar-out');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await expectCifarkitError(() => mixedDataset().export(out, 'cifar'), 'OUTPUT_NOT_EMPTY', [out, 'overwrite']);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    await mixedDataset().export(out, 'cifar', { overwrite: true });
    expect(readdirSync(out).sort()).toEqual(['meta', 'test', 'train']);
  });

  it('leaves no partial output and the earlier output untouched when an export fails half-way', async () => {
    const parent = tempDir();
    const out = join(parent, 'cifar-out');
    await mixedDataset().export(out, 'cifar');
    const before = readFileSync(join(out, 'train'));
    // The second subset fails after the meta file and the first subset were produced.
    const failing = Dataset.fromIterable(
      [new DatasetItem({ id: 'ok', subset: 'a', annotations: [new Label(0)] }), new DatasetItem({ id: 'bad', subset: 'b', annotations: [new Label(9)] })],
      { labels: ['x'] },
    );
    await expectCifarkitError(() => failing.export(out, 'cifar', { overwrite: true }), 'LABEL_OUT_OF_RANGE', ["'bad'"]);
    expect(readdirSync(out).sort()).toEqual(['meta', 'test', 'train']);
    expect(readFileSync(join(out, 'train')).equals(before)).toBe(true);
    expect(readdirSync(parent)).toEqual(['cifar-out']); // no staging folder left behind
    const fresh = join(parent, 'never');
    await expectCifarkitError(() => failing.export(fresh, 'cifar'), 'LABEL_OUT_OF_RANGE');
    expect(existsSync(fresh)).toBe(false);
  });
});

// Python reads what we write, the two ways real users do.
const TORCHVISION_AND_DATUMARO = String.raw`
import sys, json, pickle, hashlib, io, os
import numpy as np
root = sys.stdin.read()
out = {}
def sha(a): return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
class Restricted(pickle.Unpickler):
    # Datumaro's RestrictedUnpickler (util/pickle_util.py): numpy's _reconstruct, ndarray, dtype only
    def find_class(self, module, name):
        if module in ('numpy.core.multiarray', 'numpy._core.multiarray') and name in ('dtype', 'ndarray', '_reconstruct'):
            return super().find_class(module, name)
        if module == 'numpy' and name in ('dtype', 'ndarray', '_reconstruct'):
            return super().find_class(module, name)
        raise pickle.UnpicklingError('Global %s.%s is forbidden' % (module, name))
def restricted_load(f):
    return Restricted(f, encoding='latin1').load()
for subset in sorted(os.listdir(root)):
    if subset in ('meta', 'batches.meta') or '.' in subset: continue
    with open(os.path.join(root, subset), 'rb') as f:
        raw = f.read()
    # torchvision: pickle.load(f, encoding='latin1'), vstack, reshape, transpose
    tv = None
    entry = pickle.loads(raw, encoding='latin1')
    if isinstance(entry['data'], np.ndarray) and entry['data'].dtype == np.uint8:
        data = np.vstack([entry['data']]).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        labels = entry['labels'] if 'labels' in entry else entry['fine_labels']
        tv = [[sha(img), lab] for img, lab in zip(data, labels)]
    # Datumaro: restricted unpickler, per-item reshape with image_sizes
    try:
        d = restricted_load(io.BytesIO(raw))
    except pickle.UnpicklingError as e:
        out[subset] = {'torchvision': tv, 'datumaro': str(e)}
        continue
    labels = d.get('labels', [])
    if len(labels) == 0: labels = d.get('fine_labels', [])
    sizes = d.get('image_sizes')
    dm = []
    for i, (fn, lab) in enumerate(zip(d['filenames'], labels)):
        img = d['data'][i] if len(d['data']) > 0 else None
        if img is not None:
            h, w = sizes[i] if sizes is not None else (32, 32)
            img = np.transpose(np.asarray(img).astype(np.uint8).reshape(3, h, w), (1, 2, 0))
        dm.append([os.path.splitext(fn)[0], lab, None if img is None else sha(img), None if img is None else list(img.shape[:2])])
    out[subset] = {'torchvision': tv, 'datumaro': dm}
meta_name = 'meta' if os.path.exists(os.path.join(root, 'meta')) else 'batches.meta'
with open(os.path.join(root, meta_name), 'rb') as f:
    meta = pickle.load(f, encoding='latin1')
out['meta'] = {k: v for k, v in meta.items()}
print(json.dumps(out))
`;

describePython('Python reads cifarkit output', () => {
  it.each([
    ['default (protocol 4)', {}],
    ['protocol 2', { protocol: 2 }],
    ['protocol 5', { protocol: 5 }],
    ['the Python 2 layout', { python2: true }],
  ] as const)('torchvision and Datumaro get the source pixels and labels: %s', async (_n, options) => {
    for (const source of [mixedDataset(), await Dataset.importFrom(join(root, 'py2-cifar10'))]) {
      const dir = join(tempDir(), 'out');
      await source.export(dir, 'cifar', options);
      const py = JSON.parse(runPython(TORCHVISION_AND_DATUMARO, new TextEncoder().encode(dir)));
      for (const subset of source.subsets()) {
        const items = source.getSubset(subset);
        const label = (i: DatasetItem) => (i.annotations[0] ? i.annotations[0].label : null);
        if ('protocol' in options && options.protocol === 2) {
          // Python 3's protocol 2 writes bytes through _codecs.encode, which Datumaro's allowlist refuses.
          expect(py[subset].datumaro).toBe('Global _codecs.encode is forbidden');
        } else if ('protocol' in options && options.protocol === 5 && items.some((i) => i.media)) {
          // numpy writes protocol 5 arrays through _frombuffer, which Datumaro's allowlist refuses too.
          expect(py[subset].datumaro).toBe('Global numpy.core.numeric._frombuffer is forbidden');
        } else {
          expect(py[subset].datumaro).toEqual(
            items.map((i) => [i.id, label(i), i.media ? sha256(i.media.data) : null, i.media ? [i.media.height, i.media.width] : null]),
          );
        }
        const all32 = items.every((i) => i.media && i.media.height === 32 && i.media.width === 32);
        if (all32) expect(py[subset].torchvision).toEqual(items.map((i) => [sha256(i.media!.data), label(i)]));
      }
      const names = source.labels.items.map((l) => l.name);
      expect(py.meta.label_names ?? py.meta.fine_label_names).toEqual(names);
    }
  });
});
