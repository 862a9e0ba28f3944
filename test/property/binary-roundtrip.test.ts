/**
 * Property tests (fast-check): the Python version and the binary version hold the same thing for
 * every dataset the binary version can hold (32x32 images, one label each, at most 256 labels).
 * Python pickles -> binary -> back is pixel- and label-exact, and binary -> pickles -> binary
 * gives the same .bin bytes, on both pixel backends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label } from '../../src/index.js';
import { BACKENDS, noise, withBackend } from '../helpers.js';

const SUBSETS = ['data_batch_1', 'data_batch_2', 'test_batch', 'train', 'test', 'val'];

const datasetArb = fc
  .record({
    cifar100: fc.boolean(),
    labelCount: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 256 })),
    items: fc.array(
      fc.record({ subset: fc.constantFrom(...SUBSETS), gray: fc.boolean(), label: fc.nat(), seed: fc.nat() }),
      { minLength: 1, maxLength: 20 },
    ),
  })
  .map(({ cifar100, labelCount, items }) => ({
    cifar100,
    labels: Array.from({ length: labelCount }, (_, k) => (cifar100 ? ([`fine_${k}`, `coarse ${k % 7}`] as const) : `label ${k}`)),
    items: items.map((i, n) => ({ ...i, id: `img ${n}`, label: i.label % labelCount })),
  }));

type Spec = ReturnType<(typeof datasetArb)['generate']>['value'];

const pixelsOf = (gray: boolean, seed: number) => noise(32 * 32 * (gray ? 1 : 3), Math.imul(seed, 2654435761) >>> 0);

function build(spec: Spec): Dataset {
  return Dataset.fromIterable(
    spec.items.map((i) => new DatasetItem({ id: i.id, subset: i.subset, media: new Image(pixelsOf(i.gray, i.seed), 32, 32, i.gray ? 1 : 3), annotations: [new Label(i.label)] })),
    { labels: spec.labels },
  );
}

/** Per subset (sorted), in order: label name, its superclass, and the RGB pixels (gray as R=G=B). */
function content(ds: Dataset) {
  return ds
    .subsets()
    .sort()
    .map((s) => [s, ds.getSubset(s).map((i) => {
      const c = ds.labels.items[i.annotations[0]!.label]!;
      return [c.name, c.parent, i.media!.height, i.media!.width, i.media!.channels, Buffer.from(i.media!.data).toString('hex')];
    })]);
}

function expectedContent(spec: Spec) {
  const subsets = [...new Set(spec.items.map((i) => i.subset))].sort();
  return subsets.map((s) => [s, spec.items.filter((i) => i.subset === s).map((i) => {
    const l = spec.labels[i.label]!;
    const px = pixelsOf(i.gray, i.seed);
    const rgb = i.gray ? Uint8Array.from({ length: 3072 }, (_, k) => px[Math.floor(k / 3)]!) : px;
    return [typeof l === 'string' ? l : l[0], typeof l === 'string' ? '' : l[1], 32, 32, 3, Buffer.from(rgb).toString('hex')];
  })]);
}

describe.each(BACKENDS)('Python version <-> binary version, %s backend', (backend) => {
  it('pickles -> binary -> import: pixels, labels, superclasses and subsets exact', async () => {
    await withBackend(backend, () =>
      fc.assert(
        fc.asyncProperty(datasetArb, async (spec) => {
          const py = await Dataset.importFrom(await build(spec).exportToFiles('cifar', { saveMedia: true }), 'cifar');
          const bin = await Dataset.importFrom(await py.exportToFiles('cifar_binary'), 'cifar_binary');
          expect(content(bin)).toEqual(expectedContent(spec));
          // Ids are not stored: a record's id is its index.
          for (const s of bin.subsets()) expect(bin.getSubset(s).map((i) => i.id)).toEqual(bin.getSubset(s).map((_, k) => String(k)));
        }),
        { numRuns: 30, seed: 18 },
      ),
    );
  });

  it('binary -> pickles -> binary: the same .bin and name files, byte for byte', async () => {
    await withBackend(backend, () =>
      fc.assert(
        fc.asyncProperty(datasetArb, async (spec) => {
          const first = await build(spec).exportToFiles('cifar_binary');
          const py = await Dataset.importFrom(await (await Dataset.importFrom(first, 'cifar_binary')).exportToFiles('cifar', { saveMedia: true }), 'cifar');
          const second = await py.exportToFiles('cifar_binary');
          expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
          // A re-imported CIFAR-100 knows the superclass of the labels its records use, and the
          // exporter lists those (as the Python version's does): with a label unused, the coarse
          // list and its indices shrink. Then the records still name the same classes.
          const allUsed = new Set(spec.items.map((i) => i.label)).size === spec.labels.length;
          if (!spec.cifar100 || allUsed) {
            for (const [path, bytes] of first) expect(Buffer.from(second.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
          } else {
            expect(content(await Dataset.importFrom(second, 'cifar_binary'))).toEqual(expectedContent(spec));
          }
        }),
        { numRuns: 30, seed: 19 },
      ),
    );
  });
});
