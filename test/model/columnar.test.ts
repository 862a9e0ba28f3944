/**
 * The columnar model (src/model/columns.ts, src/image/block.ts): a CIFAR import keeps each
 * subset as columns and one pixel block, transposed on the first HWC access. Everything a user
 * can see must be what the same items give as plain objects: items (made once, cached),
 * tensors, batches, exports, selections (filter, fromIterable of its items), on both backends,
 * before the block is transposed (planar reads) and after.
 */
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image } from '../../src/index.js';
import { BACKENDS, withBackend } from '../helpers.js';

const FIXTURES = new URL('../fixtures/generated/', import.meta.url).pathname;
// Python 2 and 3 layouts, numpy 1, a Fortran-ordered block (a conversion: the block is the import's own), numpy labels.
const MNIST_FIXTURE = 'original-gz';
const SOURCES = ['py2-cifar10', 'py2-cifar100', 'numpy1-proto4', 'py3-proto0', 'fortran-order', 'numpy-labels'];

type Columnar = { columns(): readonly unknown[] | null };
const columnsOf = (ds: Dataset) => (ds as unknown as Columnar).columns();

/** The same dataset as plain objects: fresh items over copied HWC pixels (the item path everywhere). */
function plain(ds: Dataset): Dataset {
  const items = [...ds].map(
    (item) =>
      new DatasetItem({
        id: item.id,
        subset: item.subset,
        media: item.media && Image.fromHWC(item.media.data.slice(), item.media.height, item.media.width, item.media.channels, { ext: item.media.ext }),
        annotations: [...item.annotations],
        attributes: item.attributes,
      }),
  );
  return Dataset.fromIterable(items, { labels: ds.labels, infos: ds.infos });
}

function sameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [path, bytes] of a) expect(Buffer.from(bytes).equals(Buffer.from(b.get(path)!)), path).toBe(true);
}

const tensorOptions = (channels: number) => [
  {},
  { layout: 'NCHW' as const },
  { dtype: 'float32' as const },
  { layout: 'NCHW' as const, normalize: { mean: 0.4, std: 0.25 } },
  { normalize: { mean: channels === 3 ? [0.4, 0.5, 0.6] : [0.5], std: 0.25 } },
];

async function checkAgainstPlain(ds: Dataset, reference: Dataset): Promise<void> {
  for (const options of tensorOptions([...reference][0]?.media?.channels ?? 3)) {
    const t = ds.toTensor(options);
    const r = reference.toTensor(options);
    expect(t.shape).toEqual(r.shape);
    expect(t.labels).toEqual(r.labels);
    expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength))).toBe(true);
  }
  expect(ds.validate()).toEqual(reference.validate());
  const batchesOf = (d: Dataset) => [...d.batches(3, { shuffle: true, seed: 7, layout: 'NCHW' })].map((b) => ({ shape: b.shape, labels: [...b.labels], data: Buffer.from(b.data as Uint8Array).toString('hex'), ids: b.items.map((i) => `${i.subset}/${i.id}`) }));
  expect(batchesOf(ds)).toEqual(batchesOf(reference));
  for (const options of [{}, { channelOrder: 'bgr' as const }, { python2: true, protocol: 2 as const }, { imageExt: '.jpg' }, { saveMedia: false }]) {
    sameFiles(await ds.exportToFiles('cifar', options), await reference.exportToFiles('cifar', options));
  }
}

describe.each(BACKENDS)('columnar subsets (%s backend)', (backend) => {
  for (const name of SOURCES) {
    it(`${name}: items are made once; tensors, batches and exports match the plain items, planar and transposed`, async () => {
      await withBackend(backend, async () => {
        const dir = FIXTURES + name;
        const reference = plain(await Dataset.importFrom(dir, 'cifar'));
        const ds = await Dataset.importFrom(dir, 'cifar');
        expect(columnsOf(ds)).not.toBeNull();
        // Planar: nothing has read a pixel yet.
        await checkAgainstPlain(ds, reference);
        const first = [...ds];
        expect([...ds].every((item, i) => item === first[i])).toBe(true);
        const some = first[first.length - 1]!;
        expect(ds.get(some.id, some.subset)).toBe(some);
        expect(ds.getSubset(some.subset)).toContain(some);
        expect(Object.isFrozen(some)).toBe(true);
        // toCHW of an image not read yet comes from the planar block, as the plain image's does.
        const plainItems = [...reference];
        first.forEach((item, i) => expect(item.media!.toCHW()).toEqual(plainItems[i]!.media!.toCHW()));
        // The pixels as the plain items have them, which transposes every block.

        first.forEach((item, i) => {
          expect(item.id).toBe(plainItems[i]!.id);
          expect(item.annotations).toEqual(plainItems[i]!.annotations);
          expect(Buffer.from(item.media!.data).equals(Buffer.from(plainItems[i]!.media!.data))).toBe(true);
          expect(item.media!.toCHW()).toEqual(plainItems[i]!.media!.toCHW());
        });
        await checkAgainstPlain(ds, reference);
      });
    });

    it(`${name}: selections (filter, reordered items) stay columnar and read like the plain items`, async () => {
      await withBackend(backend, async () => {
        const dir = FIXTURES + name;
        const reference = plain(await Dataset.importFrom(dir, 'cifar'));
        const ds = await Dataset.importFrom(dir, 'cifar');
        const keep = (item: DatasetItem) => (item.annotations[0]?.type === 'label' ? item.annotations[0].label % 2 === 0 : false);
        const kept = ds.filter(keep);
        expect(columnsOf(kept)).not.toBeNull();
        expect(kept.size).toBeGreaterThan(0);
        await checkAgainstPlain(kept, reference.filter(keep));
        const reversed = Dataset.fromIterable([...ds].reverse(), { labels: ds.labels, infos: ds.infos });
        expect(columnsOf(reversed)).not.toBeNull();
        expect([...reversed][0]).toBe([...ds][ds.size - 1]);
        await checkAgainstPlain(reversed, Dataset.fromIterable([...reference].reverse(), { labels: reference.labels, infos: reference.infos }));
      });
    });
  }

  it('split, map_subsets, remove_images and remove_annotations keep the rows columnar and read like the plain items', async () => {
    await withBackend(backend, async () => {
      const dir = FIXTURES + 'py2-cifar100';
      const reference = plain(await Dataset.importFrom(dir, 'cifar'));
      const ds = await Dataset.importFrom(dir, 'cifar');
      const steps = [
        (d: Dataset) => d.transform('random_split', { splits: { train: 0.5, val: 0.5 }, seed: 3 }),
        (d: Dataset) => d.transform('map_subsets', { mapping: { test: 'eval' } }),
        (d: Dataset) => d.transform('remove_annotations', { ids: [[[...d][0]!.id, [...d][0]!.subset]] }),
        (d: Dataset) => d.transform('remove_images', { ids: [[[...d][1]!.id, [...d][1]!.subset]] }),
      ];
      for (const [k, step] of steps.entries()) {
        const mine = step(ds);
        const theirs = step(reference);
        expect(mine.subsets()).toEqual(theirs.subsets());
        expect(mine.validate()).toEqual(theirs.validate());
        if (k < 2) {
          expect(columnsOf(mine)).not.toBeNull();
          await checkAgainstPlain(mine, theirs);
        } else {
          // One row without labels or image: still columns (a derived subset), exported the same.
          expect(columnsOf(mine)).not.toBeNull();
          for (const options of [{}, { python2: true, protocol: 2 as const }]) sameFiles(await mine.exportToFiles('cifar', options), await theirs.exportToFiles('cifar', options));
        }
        const some = [...mine][mine.size - 1]!;
        expect(mine.get(some.id, some.subset)).toBe(some);
        expect([...mine].map((i) => [i.subset, i.id, i.annotations, i.media?.width])).toEqual([...theirs].map((i) => [i.subset, i.id, i.annotations, i.media?.width]));
      }
    });
  });

  it('MNIST subsets are columns over the idx3 payload; tensors and MNIST/CIFAR exports match the plain items', async () => {
    await withBackend(backend, async () => {
      const dir = new URL('../fixtures/mnist/', import.meta.url).pathname + MNIST_FIXTURE;
      const reference = plain(await Dataset.importFrom(dir, 'mnist'));
      const ds = await Dataset.importFrom(dir, 'mnist');
      expect(columnsOf(ds)).not.toBeNull();
      await checkAgainstPlain(ds, reference);
      for (const options of [{}, { compress: false }, { saveMedia: false }]) sameFiles(await ds.exportToFiles('mnist', options), await reference.exportToFiles('mnist', options));
      const kept = ds.filter((item) => item.id !== '0');
      expect(columnsOf(kept)).not.toBeNull();
      sameFiles(await kept.exportToFiles('mnist'), await plain(kept).exportToFiles('mnist'));
    });
  });

  it("channelOrder 'bgr': the planar block is read in its own plane order, and exports write either order", async () => {
    await withBackend(backend, async () => {
      const dir = FIXTURES + 'py2-cifar10';
      const reference = plain(await Dataset.importFrom(dir, 'cifar', { channelOrder: 'bgr' }));
      const ds = await Dataset.importFrom(dir, 'cifar', { channelOrder: 'bgr' });
      await checkAgainstPlain(ds, reference);
      const rgb = [...(await Dataset.importFrom(dir, 'cifar'))][0]!.media!.data;
      const bgr = [...ds][0]!.media!.data;
      expect([bgr[0], bgr[1], bgr[2]]).toEqual([rgb[2], rgb[1], rgb[0]]);
    });
  });

  it('subsets without images are columnar too; a subset with a missing image is items; both export as the plain items', async () => {
    await withBackend(backend, async () => {
      const nomedia = await Dataset.importFrom(FIXTURES + 'datumaro-nomedia', 'cifar');
      expect(columnsOf(nomedia)).not.toBeNull();
      const mixed = await Dataset.importFrom(FIXTURES + 'datumaro-cifar10', 'cifar');
      expect(columnsOf(mixed)).toBeNull();
      for (const ds of [nomedia, mixed]) {
        const reference = plain(ds);
        expect(() => ds.toTensor()).toThrow(/no image/);
        expect(ds.validate()).toEqual(reference.validate());
        for (const options of [{}, { python2: true, protocol: 2 as const }]) sameFiles(await ds.exportToFiles('cifar', options), await reference.exportToFiles('cifar', options));
        sameFiles(await ds.exportToFiles('imagenet'), await reference.exportToFiles('imagenet'));
      }
    });
  });

  it('a dataset mixing columnar rows and plain items reads as its items', async () => {
    await withBackend(backend, async () => {
      const ds = await Dataset.importFrom(FIXTURES + 'py2-cifar10', 'cifar');
      const extra = new DatasetItem({ id: 'extra', subset: 'test_batch', media: Image.fromHWC(new Uint8Array(32 * 32 * 3).fill(9), 32, 32) });
      const mixed = Dataset.fromIterable([...ds, extra], { labels: ds.labels });
      expect(columnsOf(mixed)).toBeNull();
      const reference = plain(mixed);
      await checkAgainstPlain(mixed, reference);
    });
  });
});
