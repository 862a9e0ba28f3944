/**
 * Property tests (fast-check): export → import of random CIFAR datasets is the identity, on both
 * pixel backends and in every pickle layout the exporter writes, and through Hugging Face parquet; writePickle → readPickle is the
 * identity over random values the writer supports, for every protocol it writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label } from '../../src/index.js';
import { DType, NdArray, PyTuple, readPickle, writePickle, type PyWritable } from '../../src/pickle/index.js';
import { BACKENDS, noise, withBackend } from '../helpers.js';
import { WRITE_VARIANTS } from '../pickle/write-variants.js';

// ---------------------------------------------------------------------------------------------
// Datasets

interface ItemSpec {
  id: string;
  subset: string;
  h: number;
  w: number;
  gray: boolean;
  label: number | null;
  seed: number;
}

const SUBSETS = ['train', 'test', 'data_batch_1', 'data_batch_2', 'val', 'extra_set'];

/** Ids: any Unicode text (no lone surrogates), unique within a subset. */
const idArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

const datasetArb = fc
  .record({
    cifar100: fc.boolean(),
    labelCount: fc.integer({ min: 1, max: 12 }),
    all32: fc.boolean(),
    items: fc.uniqueArray(
      fc.record({
        id: idArb,
        subset: fc.constantFrom(...SUBSETS),
        h: fc.integer({ min: 1, max: 40 }),
        w: fc.integer({ min: 1, max: 40 }),
        gray: fc.boolean(),
        label: fc.option(fc.nat(), { nil: null, freq: 4 }),
        seed: fc.nat(),
      }),
      { minLength: 1, maxLength: 24, selector: (i) => `${i.subset}\0${i.id}` },
    ),
  })
  .map(({ cifar100, labelCount, all32, items }) => ({
    cifar100,
    labels: Array.from({ length: labelCount }, (_, k) => (cifar100 ? ([`fine é${k}`, `coarse ${k % 3}`] as const) : `класс ${k}`)),
    items: items.map((i): ItemSpec => ({ ...i, h: all32 ? 32 : i.h, w: all32 ? 32 : i.w, gray: all32 ? false : i.gray, label: i.label === null ? null : i.label % labelCount })),
  }));

/** Seeded pixels: the shared xorshift noise, its seed spread so nearby seeds differ from the first byte. */
const pixels = (n: number, seed: number): Uint8Array => noise(n, Math.imul(seed, 2654435761) >>> 0);

function build(spec: { labels: (string | readonly [string, string])[]; items: ItemSpec[] }): Dataset {
  const items = spec.items.map(
    (i) =>
      new DatasetItem({
        id: i.id,
        subset: i.subset,
        media: new Image(pixels(i.h * i.w * (i.gray ? 1 : 3), i.seed), i.h, i.w, i.gray ? 1 : 3, { ext: '.png' }),
        annotations: i.label === null ? [] : [new Label(i.label)],
      }),
  );
  return Dataset.fromIterable(items, { labels: spec.labels });
}

/** What CIFAR holds of an item: grayscale is written as R=G=B. */
function expected(i: ItemSpec) {
  const px = pixels(i.h * i.w * (i.gray ? 1 : 3), i.seed);
  const rgb = i.gray ? Uint8Array.from({ length: px.length * 3 }, (_, k) => px[Math.floor(k / 3)]!) : px;
  return { subset: i.subset, id: i.id, label: i.label, size: [i.h, i.w, 3], pixels: Buffer.from(rgb).toString('hex') };
}

function describeDs(ds: Dataset) {
  return [...ds].map((it) => ({
    subset: it.subset,
    id: it.id,
    label: it.annotations.length ? it.annotations[0]!.label : null,
    size: it.media ? [it.media.height, it.media.width, it.media.channels] : null,
    pixels: it.media ? Buffer.from(it.media.data).toString('hex') : null,
  }));
}

const byKey = <T extends { subset: string; id: string }>(a: T, b: T) => (a.subset + '\0' + a.id < b.subset + '\0' + b.id ? -1 : 1);

describe('CIFAR export → import is the identity', () => {
  const layouts: [string, object][] = [
    ['protocol 4 (default)', {}],
    ['protocol 2', { protocol: 2 }],
    ['protocol 5', { protocol: 5 }],
    ['python2 layout', { python2: true }],
  ];
  for (const backend of BACKENDS) {
    for (const [name, options] of layouts) {
      it(`${backend}, ${name}: pixels, labels, ids, subsets, categories`, async () => {
        await withBackend(backend, () =>
          fc.assert(
            fc.asyncProperty(datasetArb, async (spec) => {
              const files = await build(spec).exportToFiles('cifar', { saveMedia: true, ...options });
              const back = await Dataset.importFrom(files, 'cifar');
              // CIFAR-100 keeps fine -> coarse only in the items (meta lists the two sets of names
              // apart, as Datumaro writes it): a fine label that no item has comes back without its parent.
              const used = new Set(spec.items.map((i) => i.label));
              expect(back.labels.items.map((c) => [c.name, c.parent])).toEqual(
                spec.labels.map((l, k) => (typeof l === 'string' ? [l, ''] : [l[0], used.has(k) ? l[1] : ''])),
              );
              expect(back.subsets().sort()).toEqual([...new Set(spec.items.map((i) => i.subset))].sort());
              expect(describeDs(back).sort(byKey)).toEqual(spec.items.map(expected).sort(byKey));
            }),
            { numRuns: 40, seed: 7 },
          ),
        );
      });
    }
  }
});

describe('Python pickles ↔ Hugging Face parquet (hf_parquet) are pixel- and label-exact', () => {
  const categories = (ds: Dataset) => ds.labels.items.map((c) => [c.name, c.parent]);
  for (const backend of BACKENDS) {
    it(`${backend}: pickles → parquet → import gives the pickles' dataset (ids, labels, superclasses, pixels)`, async () => {
      await withBackend(backend, () =>
        fc.assert(
          fc.asyncProperty(datasetArb, async (spec) => {
            const python = await Dataset.importFrom(await build(spec).exportToFiles('cifar', { saveMedia: true }), 'cifar');
            const parquet = await Dataset.importFrom(await python.exportToFiles('hf_parquet'), 'hf_parquet');
            expect(categories(parquet)).toEqual(categories(python));
            expect(parquet.subsets()).toEqual(python.subsets());   // the same order: training data first
            expect(describeDs(parquet).sort(byKey)).toEqual(describeDs(python).sort(byKey));
          }),
          { numRuns: 25, seed: 18 },
        ),
      );
    });

    it(`${backend}: parquet keeps grayscale, and parquet → pickles gives what pickles alone give`, async () => {
      await withBackend(backend, () =>
        fc.assert(
          fc.asyncProperty(datasetArb, async (spec) => {
            const ds = build(spec);
            const parquet = await Dataset.importFrom(await ds.exportToFiles('hf_parquet'), 'hf_parquet');
            expect(describeDs(parquet).sort(byKey)).toEqual(describeDs(ds).sort(byKey));
            const viaParquet = await Dataset.importFrom(await parquet.exportToFiles('cifar', { saveMedia: true }), 'cifar');
            const direct = await Dataset.importFrom(await ds.exportToFiles('cifar', { saveMedia: true }), 'cifar');
            expect(categories(viaParquet)).toEqual(categories(direct));
            expect(describeDs(viaParquet).sort(byKey)).toEqual(describeDs(direct).sort(byKey));
          }),
          { numRuns: 25, seed: 19 },
        ),
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Pickles

/** What the reader gives back for a written value (see test/pickle/writer.test.ts). */
function asRead(v: PyWritable, py2: boolean): unknown {
  if (typeof v === 'string') return py2 && /^[\x00-\x7f]*$/.test(v) ? Uint8Array.from(v, (c) => c.charCodeAt(0)) : v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyTuple) return v.items.map((x) => asRead(x, py2));
  if (Array.isArray(v)) return v.map((x) => asRead(x, py2));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [asRead(k, py2), asRead(x, py2)]));
  // As numpy: an array with a dimension of 0 or 1 is C-contiguous too, and pickles as C order (same bytes).
  if (v instanceof NdArray && v.fortranOrder && v.shape.some((d) => d <= 1)) return new NdArray().init(v.shape, v.dtype, false, v.buffer);
  return v;
}

const leaf: fc.Arbitrary<PyWritable> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(), // -2^31 .. 2^31-1
  fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }),
  fc.double().filter((x) => !Number.isInteger(x)), // incl. NaN, ±Infinity, subnormals
  fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }),
  fc.string({ unit: 'binary', maxLength: 40 }), // any code point, astral included
  fc.uint8Array({ maxLength: 600 }),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 5 }), fc.boolean()).map(([r, c, fortran]) =>
    new NdArray().init([r, c], new DType('u1'), fortran, pixels(r * c, r * 7 + c)),
  ),
);
const key: fc.Arbitrary<PyWritable> = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.integer(), fc.constant(null));

const { value } = fc.letrec<{ value: PyWritable }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.array(tie('value'), { maxLength: 4 }).map((xs) => new PyTuple(xs)),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => (typeof k === 'string' ? `s${k}` : String(k)) }).map((kv) => new Map(kv)),
  ),
}));

describe('writePickle → readPickle is the identity', () => {
  for (const [name, options] of WRITE_VARIANTS) {
    it(name, () => {
      fc.assert(
        fc.property(value, (v) => {
          expect(readPickle(writePickle(v, options))).toEqual(asRead(v, options.python2 === true));
        }),
        { numRuns: 300, seed: 11 },
      );
    });
  }
});
