import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label } from '../../src/api.js';
import { batches, seededOrder, toTensor, type TensorOptions } from '../../src/dataset/tensor.js';
import { BACKENDS, expectCifarkitError, noise, withBackend } from '../helpers.js';

function item(id: string, image: Image | null, label?: number, subset?: string): DatasetItem {
  return new DatasetItem({ id, subset, media: image, annotations: label === undefined ? [] : [new Label(label)] });
}

function rgbItems(n: number, h: number, w: number, seed = 1): DatasetItem[] {
  return Array.from({ length: n }, (_, i) => item(`i${i}`, Image.fromHWC(noise(h * w * 3, seed + i), h, w), i % 3));
}

/** The tensor written the obvious way: index arithmetic per element, float64 math, one fround. */
function reference(items: DatasetItem[], options: TensorOptions): { data: number[]; shape: number[] } {
  const { height: h, width: w, channels: c } = items[0]!.media!;
  const nchw = options.layout === 'NCHW';
  const float = (options.dtype ?? (options.normalize ? 'float32' : 'uint8')) === 'float32';
  const at = (v: number[] | number | undefined, ch: number, dflt: number): number => (v === undefined ? dflt : typeof v === 'number' ? v : v[ch]!);
  const data: number[] = new Array(items.length * h * w * c);
  items.forEach((it, n) => {
    const px = it.media!.data;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          const v = px[(y * w + x) * c + ch]!;
          const value = float ? Math.fround((v / 255 - at(options.normalize?.mean, ch, 0)) / at(options.normalize?.std, ch, 1)) : v;
          const index = nchw ? ((n * c + ch) * h + y) * w + x : ((n * h + y) * w + x) * c + ch;
          data[index] = value;
        }
  });
  return { data, shape: nchw ? [items.length, c, h, w] : [items.length, h, w, c] };
}

const OPTIONS: [string, TensorOptions][] = [
  ['NHWC uint8 (default)', {}],
  ['NCHW uint8', { layout: 'NCHW' }],
  ['NHWC float32', { dtype: 'float32' }],
  ['NCHW float32', { layout: 'NCHW', dtype: 'float32' }],
  ['NHWC float32 normalized per channel', { normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } }],
  ['NCHW float32 normalized per channel', { layout: 'NCHW', dtype: 'float32', normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } }],
  ['NCHW float32 normalized by scalars', { layout: 'NCHW', normalize: { mean: 0.5, std: 0.5 } }],
];

describe.each(BACKENDS)('toTensor (%s)', (backend) => {
  it.each(OPTIONS)('%s matches the definition', async (_, options) => {
    await withBackend(backend, () => {
      for (const [n, h, w] of [
        [1, 1, 1],
        [3, 2, 3],
        [2, 5, 7],
        [4, 32, 32],
      ] as const) {
        const items = rgbItems(n, h, w, n * 100 + h);
        const t = toTensor(items, options);
        const ref = reference(items, options);
        expect(t.shape).toEqual(ref.shape);
        const float = ref.data.some((v) => !Number.isInteger(v)) || options.dtype === 'float32' || options.normalize !== undefined;
        expect(t.data).toBeInstanceOf(float ? Float32Array : Uint8Array);
        expect(Array.from(t.data)).toEqual(ref.data);
        expect(Array.from(t.labels)).toEqual(items.map((_, i) => i % 3));
      }
    });
  });

  it('gives exact small values', async () => {
    await withBackend(backend, () => {
      // two 1x2 RGB images: pixels (0,51,102) (153,204,255) and (255,0,0) (0,0,255)
      const a = Image.fromHWC(new Uint8Array([0, 51, 102, 153, 204, 255]), 1, 2);
      const b = Image.fromHWC(new Uint8Array([255, 0, 0, 0, 0, 255]), 1, 2);
      const items = [item('a', a, 4), item('b', b)];
      const nhwc = toTensor(items);
      expect(nhwc.shape).toEqual([2, 1, 2, 3]);
      expect([...nhwc.data]).toEqual([0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 255]);
      expect([...nhwc.labels]).toEqual([4, -1]);
      const nchw = toTensor(items, { layout: 'NCHW' });
      expect(nchw.shape).toEqual([2, 3, 1, 2]);
      expect([...nchw.data]).toEqual([0, 153, 51, 204, 102, 255, 255, 0, 0, 0, 0, 255]);
      const f = toTensor(items, { layout: 'NCHW', dtype: 'float32' });
      expect([...f.data]).toEqual([0, 0.6, 0.2, 0.8, 0.4, 1, 1, 0, 0, 0, 0, 1].map(Math.fround));
      const norm = toTensor(items, { normalize: { mean: 0.5, std: 0.5 } }); // maps [0, 1] to [-1, 1]
      expect([...norm.data]).toEqual([-1, -0.6, -0.2, 0.2, 0.6, 1, 1, -1, -1, -1, -1, 1].map((v) => expect.closeTo(v, 6)));
      expect(norm.data[0]).toBe(-1);
      expect(norm.data[5]).toBe(1);
    });
  });

  it('handles grayscale images (C = 1 in both layouts)', async () => {
    await withBackend(backend, () => {
      const items = [item('g0', Image.fromHWC(new Uint8Array([0, 255, 51, 102]), 2, 2, 1), 1), item('g1', Image.fromHWC(new Uint8Array([1, 2, 3, 4]), 2, 2, 1))];
      expect(toTensor(items).shape).toEqual([2, 2, 2, 1]);
      const t = toTensor(items, { layout: 'NCHW', normalize: { mean: [0], std: [1] } });
      expect(t.shape).toEqual([2, 1, 2, 2]);
      expect([...t.data]).toEqual([0, 1, 0.2, 0.4, 1 / 255, 2 / 255, 3 / 255, 4 / 255].map(Math.fround));
      expect([...toTensor(items, { layout: 'NCHW' }).data]).toEqual([0, 255, 51, 102, 1, 2, 3, 4]);
    });
  });

  it('takes a Dataset (any iterable) and no items', async () => {
    await withBackend(backend, () => {
      const ds = Dataset.fromIterable(rgbItems(3, 2, 2), { labels: ['a', 'b', 'c'] });
      expect(toTensor(ds).shape).toEqual([3, 2, 2, 3]);
      const empty = toTensor([], { dtype: 'float32' });
      expect(empty.shape).toEqual([0, 0, 0, 0]);
      expect(empty.data).toBeInstanceOf(Float32Array);
      expect(empty.data.length).toBe(0);
      expect(empty.labels.length).toBe(0);
    });
  });

  it('does not keep or alter the images', async () => {
    await withBackend(backend, () => {
      const items = rgbItems(2, 4, 4);
      const before = items.map((i) => [...i.media!.data]);
      const t = toTensor(items, { layout: 'NCHW' });
      (t.data as Uint8Array).fill(7);
      expect(items.map((i) => [...i.media!.data])).toEqual(before);
    });
  });
});

describe.each(BACKENDS)('batches (%s)', (backend) => {
  it('splits in order with a last partial batch, or drops it', async () => {
    await withBackend(backend, () => {
      const items = rgbItems(10, 3, 3);
      const all = [...batches(items, 4, { layout: 'NCHW', normalize: { mean: 0.5, std: 0.25 } })];
      expect(all.map((b) => b.shape)).toEqual([
        [4, 3, 3, 3],
        [4, 3, 3, 3],
        [2, 3, 3, 3],
      ]);
      expect(all.flatMap((b) => b.items.map((i) => i.id))).toEqual(items.map((i) => i.id));
      all.forEach((b, k) => {
        const ref = reference(b.items, { layout: 'NCHW', normalize: { mean: 0.5, std: 0.25 } });
        expect(Array.from(b.data)).toEqual(ref.data);
        expect(Array.from(b.labels)).toEqual(items.slice(k * 4, k * 4 + 4).map((_, i) => (k * 4 + i) % 3));
      });
      expect([...batches(items, 4, { dropLast: true })].map((b) => b.items.length)).toEqual([4, 4]);
      expect([...batches(items, 5, { dropLast: true })].map((b) => b.items.length)).toEqual([5, 5]);
      expect([...batches(items, 10)].map((b) => b.items.length)).toEqual([10]);
      expect([...batches(items, 11)].map((b) => b.items.length)).toEqual([10]);
      expect([...batches(items, 11, { dropLast: true })]).toEqual([]);
      expect([...batches(items, 1)].length).toBe(10);
      expect([...batches([], 3)]).toEqual([]);
    });
  });

  it('can be iterated again, giving the same batches', async () => {
    await withBackend(backend, () => {
      const it = batches(rgbItems(7, 2, 2), 3, { shuffle: true });
      const ids = (): string[] => [...it].flatMap((b) => b.items.map((i) => i.id));
      expect(ids()).toEqual(ids());
    });
  });

  it('shuffles deterministically for a seed, differently for another seed', async () => {
    await withBackend(backend, () => {
      const items = rgbItems(50, 2, 2);
      const order = (seed: number): string[] => [...batches(items, 8, { shuffle: true, seed })].flatMap((b) => b.items.map((i) => i.id));
      const a = order(42);
      expect(order(42)).toEqual(a);
      expect([...a].sort()).toEqual(items.map((i) => i.id).sort()); // a permutation
      expect(a).not.toEqual(items.map((i) => i.id));
      expect(order(43)).not.toEqual(a);
      expect(order(2 ** 32 + 42)).not.toEqual(a);
      // each batch's tensor is built from its own items
      for (const b of batches(items, 8, { shuffle: true, seed: 7 })) {
        expect(Array.from(b.data)).toEqual(reference(b.items, {}).data);
      }
    });
  });
});

describe('seeded shuffle', () => {
  it('gives this exact order for seed 42 (pinned: the same in every runtime)', () => {
    expect(seededOrder(10, 42)).toEqual(GOLDEN_42);
    expect(seededOrder(0, 1)).toEqual([]);
    expect(seededOrder(1, 1)).toEqual([0]);
  });
});
// Computed by an independent Python implementation of mulberry32 + Fisher-Yates (integer math).
const GOLDEN_42 = [1, 3, 9, 5, 2, 8, 4, 0, 7, 6];

describe('refusals', () => {
  const good = rgbItems(3, 2, 2);
  const E = 'INVALID_ARGUMENT';

  it('items without an image, naming them', async () => {
    const items = [...good, item('no-pixels', null, 0, 'train'), item('also-none', null)];
    const err = await expectCifarkitError(() => toTensor(items), E, [
      "item 3 'no-pixels'",
      'toTensor: no image',
      "2 items have none: 3 'no-pixels' (subset 'train'), 4 'also-none'",
      'item.media !== null',
    ]);
    expect([err.index, err.item]).toEqual([3, 'no-pixels']);
    await expectCifarkitError(() => batches(items, 2), E, ['batches: no image', "item 3 'no-pixels'"]);
    const many = Array.from({ length: 8 }, (_, i) => item(`m${i}`, null));
    await expectCifarkitError(() => toTensor(many), E, ["8 items have none", "4 'm4' and 3 more"]);
  });

  it('images of different sizes or channel counts, naming the first that differs', async () => {
    const odd = [...good, item('big', Image.fromHWC(new Uint8Array(3 * 3 * 3), 3, 3), 0, 'test'), item('big2', Image.fromHWC(new Uint8Array(27), 3, 3))];
    const err = await expectCifarkitError(() => toTensor(odd), E, ["item 3 'big'", '3x3x3 (HxWxC)', "subset 'test'", "item 0 'i0' is 2x2x3", 'one size and channel count']);
    expect([err.index, err.item]).toEqual([3, 'big']);
    const gray = [...good, item('gray', Image.fromHWC(new Uint8Array(4), 2, 2, 1))];
    await expectCifarkitError(() => toTensor(gray), E, ["item 3 'gray'", '2x2x1', '2x2x3']);
    // batches checks every item up front, not only the first batch
    await expectCifarkitError(() => batches(gray, 2), E, ["item 3 'gray'"]);
  });

  it('bad options', async () => {
    await expectCifarkitError(() => toTensor(good, { layout: 'CHW' as never }), E, ["layout must be 'NHWC' or 'NCHW', got 'CHW'"]);
    await expectCifarkitError(() => toTensor(good, { dtype: 'int32' as never }), E, ["dtype must be 'uint8' or 'float32', got 'int32'"]);
    await expectCifarkitError(() => toTensor(good, { dtype: 'uint8', normalize: { mean: 0, std: 1 } }), E, ["normalize needs dtype 'float32'"]);
    await expectCifarkitError(() => toTensor(good, { normalize: { mean: 0, std: 0 } }), E, ['normalize.std must be > 0', 'got 0']);
    await expectCifarkitError(() => toTensor(good, { normalize: { mean: 0, std: [0.2, 0, 0.2] } }), E, ['normalize.std must be > 0', '[0.2, 0, 0.2]']);
    await expectCifarkitError(() => toTensor(good, { normalize: { mean: 0, std: -1 } }), E, ['normalize.std must be > 0']);
    await expectCifarkitError(() => toTensor(good, { normalize: { mean: NaN, std: 1 } }), E, ['normalize.mean must hold finite numbers']);
    await expectCifarkitError(() => toTensor(good, { normalize: { mean: [], std: 1 } }), E, ['normalize.mean must be a number or a non-empty array']);
    await expectCifarkitError(() => toTensor(good, { normalize: { mean: '0.5', std: 1 } as never }), E, ["got '0.5'"]);
    await expectCifarkitError(() => toTensor(good, { normalize: { mean: [0.5, 0.5], std: 1 } }), E, ['normalize.mean has 2 values but the images have 3 channels']);
    await expectCifarkitError(() => toTensor(good, { normalize: null as never }), E, ['normalize must be { mean, std }']);
    await expectCifarkitError(() => toTensor(good, { shuffle: true } as never), E, ["unknown option 'shuffle'"]);
    await expectCifarkitError(() => toTensor(good, 'NCHW' as never), E, ['options must be an object']);
    await expectCifarkitError(() => toTensor(42 as never), E, ['items must be an array or iterable']);
  });

  it('bad batch arguments', async () => {
    for (const size of [0, -1, 2.5, NaN, '4']) {
      await expectCifarkitError(() => batches(good, size as never), E, ['batches: size must be a positive integer']);
    }
    await expectCifarkitError(() => batches(good, 2, { seed: 1 }), E, ['seed is given but shuffle is not true']);
    await expectCifarkitError(() => batches(good, 2, { shuffle: true, seed: 1.5 }), E, ['seed must be an integer, got 1.5']);
    await expectCifarkitError(() => batches(good, 2, { shuffle: 'yes' as never }), E, ["shuffle must be true or false, got 'yes'"]);
    await expectCifarkitError(() => batches(good, 2, { dropLast: 1 as never }), E, ['dropLast must be true or false']);
    await expectCifarkitError(() => batches(good, 2, { batchSize: 3 } as never), E, ["unknown option 'batchSize'"]);
    // per-channel mean/std checked against the images up front, not at the first batch
    await expectCifarkitError(() => batches(good, 2, { normalize: { mean: [0.5], std: 1 } }), E, ['normalize.mean has 1 value']);
  });
});

describe('Dataset.toTensor / Dataset.batches', () => {
  it('are toTensor and batches over the dataset items', () => {
    const ds = Dataset.fromIterable(
      [0, 1, 2].map((k) => new DatasetItem({ id: `i${k}`, subset: 's', media: Image.fromHWC(noise(2 * 3 * 3, k + 1), 2, 3), annotations: k === 1 ? [] : [new Label(k)] })),
      { labels: ['a', 'b', 'c'] },
    );
    const t = ds.toTensor({ layout: 'NCHW' });
    expect(t.shape).toEqual([3, 3, 2, 3]);
    expect([...t.labels]).toEqual([0, -1, 2]);
    expect(t.data).toEqual(toTensor([...ds], { layout: 'NCHW' }).data);
    expect([...ds.batches(2)].map((b) => b.items.map((i) => i.id))).toEqual([['i0', 'i1'], ['i2']]);
  });
});
