/**
 * CIFAR files real producers write that are slightly off (issue 19), against what the real
 * Datumaro 1.9.1 did with them (test/fixtures/datumaro-runs, recorded by its generate.py):
 * a batch naming a file twice, Datumaro's BGR planes, CIFAR-100 with dataset_meta.json.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, WarningCode } from '../../src/index.js';
import { readPickle, writePickle, type PyWritable } from '../../src/pickle/index.js';
import { NdArray, DType } from '../../src/pickle/ndarray.js';
import { BACKENDS, expectCifarkitError, noise, sha256, withBackend } from '../helpers.js';

const RUNS = join(import.meta.dirname, '../fixtures/datumaro-runs');
const results = JSON.parse(readFileSync(join(RUNS, 'results.json'), 'utf8'));

function pickleMap(bytes: Uint8Array): Map<string, unknown> {
  return readPickle(bytes) as Map<string, unknown>;
}

/** A CIFAR-10 folder in memory: batches.meta + one batch of these file names, random 32x32 pixels. */
function batchNaming(filenames: string[]): Record<string, Uint8Array> {
  const data = new NdArray().init([filenames.length, 3072], new DType('u1'), false, noise(filenames.length * 3072, filenames.length));
  const batch = new Map<PyWritable, PyWritable>([['filenames', filenames], ['labels', filenames.map((_, i) => i % 2)], ['data', data]]);
  return { 'batches.meta': writePickle(new Map<PyWritable, PyWritable>([['label_names', ['a', 'b']]])), data_batch_1: writePickle(batch) };
}

describe.each(BACKENDS)('a batch that names a file twice (%s backend)', (backend) => {
  const dir = join(RUNS, 'duplicate-names/cifar');
  const dup = results.duplicate_names;

  it('Datumaro 1.9.1 kept 3 of the 4 items: the first a.png is lost', () => {
    expect(dup.filenames).toEqual(['a.png', 'b.png', 'a.png', 'a_2.png']);
    expect(dup.datumaro_items.map((i: { id: string }) => i.id)).toEqual(['a', 'b', 'a_2']);
    expect(dup.datumaro_items[0].sha256).toBe(dup.rows_hwc_sha256[2]); // the later 'a', at the first's place
    expect(dup.datum_convert_to_imagenet.files).toHaveLength(3);
  });

  it('cifarkit keeps all 4 items, in file order, with unique ids and a warning', async () => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(dir);
      // the second 'a' would be a_2, which the file already has: it becomes a_3
      expect([...ds].map((i) => [i.id, (i.annotations[0] as Label).label, sha256(i.media!.data)])).toEqual([
        ['a', 0, dup.rows_hwc_sha256[0]],
        ['b', 1, dup.rows_hwc_sha256[1]],
        ['a_3', 2, dup.rows_hwc_sha256[2]],
        ['a_2', 1, dup.rows_hwc_sha256[3]],
      ]);
      expect(ds.importWarnings).toEqual([
        {
          code: WarningCode.DUPLICATE_ITEM_ID,
          message: `${join(dir, 'data_batch_1')}: item 2: file name 'a.png' gives the id 'a' of item 0 again; kept as 'a_3'`,
          file: join(dir, 'data_batch_1'),
          subset: 'data_batch_1',
          index: 2,
          item: 'a',
          renamedTo: 'a_3',
        },
      ]);
      expect(Object.isFrozen(ds.importWarnings)).toBe(true);
      // deterministic: the same ids on every import; a re-export has unique names and no warnings
      expect([...(await Dataset.importFrom(dir))].map((i) => i.id)).toEqual(['a', 'b', 'a_3', 'a_2']);
      const again = await Dataset.importFrom(await ds.exportToFiles('cifar'));
      expect(pickleMap((await ds.exportToFiles('cifar')).get('data_batch_1')!).get('filenames')).toEqual(['a.png', 'b.png', 'a_3.png', 'a_2.png']);
      expect(again.importWarnings).toEqual([]);
      expect(again.size).toBe(4);
      // derived datasets report nothing of their own
      expect(ds.filter(() => true).importWarnings).toEqual([]);
    });
  });

  it('the n-th item of a name gets <id>_<n>; names that differ only in extension count too', async () => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(batchNaming(['x.png', 'x.png', 'y.png', 'x.png', 'x.jpg', 'x_4.png']));
      expect([...ds].map((i) => `${i.id}${i.media!.ext}`)).toEqual(['x.png', 'x_2.png', 'y.png', 'x_3.png', 'x_5.jpg', 'x_4.png']);
      expect(ds.importWarnings.map((w) => [w.index, w.item, w.renamedTo])).toEqual([
        [1, 'x', 'x_2'],
        [3, 'x', 'x_3'],
        [4, 'x', 'x_5'],
      ]);
      expect(ds.importWarnings[2]!.message).toContain("file name 'x.jpg' gives the id 'x' of item 0 again; kept as 'x_5'");
    });
  });

  it('names already taken are skipped, once: a_2..a_2000 in the file, then 2000 more a', async () => {
    const names = ['a.png', ...Array.from({ length: 1999 }, (_, i) => `a_${i + 2}.png`), ...Array.from({ length: 2000 }, () => 'a.png')];
    const batch = new Map<PyWritable, PyWritable>([['filenames', names], ['labels', names.map(() => 0)]]);
    const ds = await Dataset.importFrom({ data_batch_1: writePickle(batch) });
    const ids = [...ds].map((i) => i.id);
    expect(new Set(ids).size).toBe(4000);
    expect(ids.slice(2000)).toEqual(Array.from({ length: 2000 }, (_, i) => `a_${2001 + i}`));
    expect(ds.importWarnings).toHaveLength(2000);
  });

  it('a batch without filenames has unique ids already (its indices)', async () => {
    const data = new NdArray().init([2, 3072], new DType('u1'), false, noise(2 * 3072, 3));
    const ds = await Dataset.importFrom({ data_batch_1: writePickle(new Map<PyWritable, PyWritable>([['labels', [0, 1]], ['data', data]])) });
    expect([...ds].map((i) => i.id)).toEqual(['0', '1']);
    expect(ds.importWarnings).toEqual([]);
  });
});

describe('a fine label with two coarse labels', () => {
  it('keeps the first as its parent and says so', async () => {
    const meta = new Map<PyWritable, PyWritable>([['fine_label_names', ['oak']], ['coarse_label_names', ['trees', 'plants']]]);
    const train = new Map<PyWritable, PyWritable>([['filenames', ['a.png', 'b.png']], ['fine_labels', [0, 0]], ['coarse_labels', [0, 1]]]);
    const ds = await Dataset.importFrom({ meta: writePickle(meta), train: writePickle(train) });
    expect(ds.labels.items).toEqual([{ name: 'oak', parent: 'trees' }]);
    expect(ds.importWarnings.map((w) => [w.code, w.index, w.item])).toEqual([[WarningCode.COARSE_LABEL_MISMATCH, 1, 'b']]);
    expect(ds.importWarnings[0]!.message).toContain("label 'oak' has the coarse label 'plants' here but 'trees' before");
  });
});

describe.each(BACKENDS)("Datumaro's BGR planes (%s backend)", (backend) => {
  const bgr = results.bgr;
  const cifarDir = join(RUNS, 'bgr/cifar');

  it('is what Datumaro 1.9.1 wrote for PNGs: plane 0 holds blue', () => {
    expect(bgr.items.length).toBe(4);
    for (const item of bgr.items) {
      expect([item.plane0_is_blue, item.plane1_is_green, item.plane2_is_red], item.id).toEqual([true, true, true]);
      expect(item.first_pixel_planes).toEqual([...item.first_pixel_rgb].reverse());
    }
    const red = bgr.items.find((i: { id: string }) => i.id === 'red:solid');
    expect([red.first_pixel_rgb, red.first_pixel_planes]).toEqual([[255, 0, 0], [0, 0, 255]]);
  });

  it("channelOrder 'bgr' reads the PNGs' true colours from Datumaro's CIFAR output; the default reads them swapped", async () => {
    await withBackend(backend, async () => {
      const truth = await Dataset.importFrom(join(RUNS, 'bgr/png'), 'imagenet');
      const fixed = await Dataset.importFrom(cifarDir, 'cifar', { channelOrder: 'bgr' });
      const plain = await Dataset.importFrom(cifarDir);
      expect(fixed.size).toBe(4);
      for (const item of bgr.items) {
        const png = truth.get(item.id)!; // both name an ImageNet item '<label>:<name>'
        expect(sha256(png.media!.data), item.id).toBe(item.png_rgb_sha256);
        expect(sha256(fixed.get(item.id)!.media!.data), item.id).toBe(item.png_rgb_sha256);
        expect([fixed.get(item.id)!.media!.height, fixed.get(item.id)!.media!.width]).toEqual([item.h, item.w]);
        expect(sha256(plain.get(item.id)!.media!.data), item.id).toBe(item.planes_as_hwc_sha256);
      }
      expect([...fixed.get('red:solid')!.media!.data.subarray(0, 3)]).toEqual([255, 0, 0]);
      expect([...plain.get('red:solid')!.media!.data.subarray(0, 3)]).toEqual([0, 0, 255]);
    });
  });

  it("channelOrder 'bgr' on export writes the planes Datumaro writes, and repairs its files", async () => {
    await withBackend(backend, async () => {
      const truth = await Dataset.importFrom(join(RUNS, 'bgr/png'), 'imagenet');
      const asDatumaro = await Dataset.importFrom(await truth.exportToFiles('cifar', { channelOrder: 'bgr' }));
      const datumaro = await Dataset.importFrom(cifarDir); // planes as they are on disk
      for (const item of bgr.items) {
        const mine = asDatumaro.get(item.id)!;
        expect(sha256(mine.media!.data), item.id).toBe(sha256(datumaro.get(item.id)!.media!.data));
      }
      // import bgr -> export (rgb): the CIFAR convention, true colours for torchvision
      const repaired = await Dataset.importFrom(await (await Dataset.importFrom(cifarDir, 'cifar', { channelOrder: 'bgr' })).exportToFiles('cifar'));
      for (const item of bgr.items) expect(sha256(repaired.get(item.id)!.media!.data)).toBe(item.png_rgb_sha256);
      // import bgr -> export bgr: Datumaro's planes again
      const back = await Dataset.importFrom(await (await Dataset.importFrom(cifarDir, 'cifar', { channelOrder: 'bgr' })).exportToFiles('cifar', { channelOrder: 'bgr' }));
      for (const item of bgr.items) expect(sha256(back.get(item.id)!.media!.data)).toBe(item.planes_as_hwc_sha256);
    });
  });

  it('grayscale images are the same in either order; the in-place path of a large block swaps too', async () => {
    await withBackend(backend, async () => {
      const gray = Image.fromHWC(noise(32 * 32, 5), 32, 32, 1);
      const ds = Dataset.fromIterable([new DatasetItem({ id: 'g', subset: 'train', media: gray, annotations: [new Label(0)] })], { labels: ['x'] });
      const a = await ds.exportToFiles('cifar', { channelOrder: 'bgr' });
      expect(Buffer.from(a.get('train')!).equals(Buffer.from((await ds.exportToFiles('cifar')).get('train')!))).toBe(true);
      // 300 RGB images: one uint8 block, transposed in place when read from disk or owned bytes
      const items = Array.from({ length: 300 }, (_, i) => new DatasetItem({ id: `i${i}`, subset: 'train', media: Image.fromHWC(noise(3072, i + 1), 32, 32, 3) }));
      const many = Dataset.fromIterable(items);
      const files = await many.exportToFiles('cifar', { channelOrder: 'bgr' });
      const read = await Dataset.importFrom(files, 'cifar', { channelOrder: 'bgr' }); // a copy: the bytes are the caller's
      expect([...read].map((i) => sha256(i.media!.data))).toEqual(items.map((i) => sha256(i.media!.data)));
      const dir = join(mkdtempSync(join(tmpdir(), 'cifarkit-bgr-')), 'out');
      await many.export(dir, 'cifar', { channelOrder: 'bgr' });
      const fromDisk = await Dataset.importFrom(dir, 'cifar', { channelOrder: 'bgr' }); // in place, in the read buffer
      expect([...fromDisk].map((i) => sha256(i.media!.data))).toEqual(items.map((i) => sha256(i.media!.data)));
      const swapped = await Dataset.importFrom(files);
      const px = items[0]!.media!.data;
      expect([...swapped.get('i0')!.media!.data.subarray(0, 3)]).toEqual([px[2], px[1], px[0]]);
    });
  });

  it('refuses channel orders it does not know, and bgr for formats without planes', async () => {
    await expectCifarkitError(() => Dataset.importFrom(cifarDir, 'cifar', { channelOrder: 'grb' as never }), 'INVALID_ARGUMENT', ["'rgb' or 'bgr'", 'grb']);
    await expectCifarkitError(() => Dataset.importFrom(join(RUNS, 'bgr/png'), 'imagenet', { channelOrder: 'bgr' }), 'INVALID_ARGUMENT', ["'imagenet'"]);
    await expectCifarkitError(() => Dataset.importFrom(join(RUNS, 'bgr/png'), undefined, { channelOrder: 'bgr' }), 'INVALID_ARGUMENT', ["not to 'imagenet'"]);
    const ds = await Dataset.importFrom(cifarDir);
    await expectCifarkitError(() => ds.exportToFiles('cifar', { channelOrder: 'BGR' as never }), 'INVALID_ARGUMENT', ['BGR']);
    // 'rgb' given explicitly is the default
    expect(sha256((await Dataset.importFrom(cifarDir, 'cifar', { channelOrder: 'rgb' })).get('red:solid')!.media!.data)).toBe(sha256(ds.get('red:solid')!.media!.data));
  });
});

describe.each(BACKENDS)('CIFAR-100 with dataset_meta.json (%s backend)', (backend) => {
  const dir = join(RUNS, 'cifar100-dataset-meta/cifar');
  const run = results.cifar100_dataset_meta;

  it('Datumaro 1.9.1 cannot read its own export of it', () => {
    expect(run.files).toEqual(['dataset_meta.json', 'meta', 'train']);
    expect(run.datumaro_import).toEqual({ ok: false, error: 'DatasetImportError', cause: "AttributeError: 'CifarBase' object has no attribute '_coarse_labels'" });
    expect(run.datum_convert.exit).toBe(1);
  });

  it('cifarkit reads it: names from dataset_meta.json, superclasses from meta, pixels and indices exact', async () => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(dir);
      expect(ds.labels.items).toEqual([
        { name: 'apple', parent: 'fruit' },
        { name: 'tulip', parent: 'flowers' },
        { name: 'pear', parent: 'fruit' },
      ]);
      expect([...ds].map((i) => [i.id, (i.annotations[0] as Label).label, sha256(i.media!.data)])).toEqual(
        run.train.filenames.map((f: string, k: number) => [f.replace('.png', ''), run.train.fine_labels[k], run.pixels_hwc_sha256[k]]),
      );
      expect(ds.importWarnings).toEqual([]);
      // and writes it back the same way, dataset_meta.json included
      const out = await ds.exportToFiles('cifar', { saveDatasetMeta: true });
      expect([...out.keys()].sort()).toEqual(run.files);
      expect(pickleMap(out.get('meta')!).get('coarse_label_names')).toEqual(run.meta.coarse_label_names);
      expect(pickleMap(out.get('train')!).get('coarse_labels')).toEqual(run.train.coarse_labels);
      expect(JSON.parse(new TextDecoder().decode(out.get('dataset_meta.json')))).toEqual(JSON.parse(readFileSync(join(dir, 'dataset_meta.json'), 'utf8')));
      const again = await Dataset.importFrom(out);
      expect(again.labels.items).toEqual(ds.labels.items);
    });
  });
});
