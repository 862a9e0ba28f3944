// The pHash against an independent numpy implementation (test/fixtures/phash/generate.py, whose
// output is committed): the same DCT table and the same 64 bits on both backends, for RGB and
// gray images of CIFAR's size and others. The generator also shows the integer DCT agrees with
// a floating-point one (distance 0) on every image but the flat one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image } from '../../src/index.js';
import { DCT_TABLE, hashKernels } from '../../src/kernels/hash.js';
import { BACKENDS, withBackend } from '../helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/phash');
const expected = JSON.parse(readFileSync(join(DIR, 'phash.expected.json'), 'utf8')) as {
  table: number[];
  images: { h: number; w: number; c: number; offset: number; phash: [number, number]; floatDistance: number | null }[];
};
const bytes = new Uint8Array(readFileSync(join(DIR, 'images.bin')));

describe('pHash vs the numpy reference', () => {
  it('uses the same DCT table', () => {
    expect([...DCT_TABLE]).toEqual(expected.table);
  });

  it('the integer DCT agreed with a floating-point DCT on every non-flat image', () => {
    expect(expected.images.map((i) => i.floatDistance)).toEqual([...new Array(12).fill(0), null]);
  });

  it.each(BACKENDS)('gives numpy\'s bits for every image (%s)', (backend) =>
    withBackend(backend, () => {
      for (const [k, img] of expected.images.entries()) {
        const data = bytes.subarray(img.offset, img.offset + img.h * img.w * img.c);
        const out = new Uint32Array(2);
        hashKernels().phash(data, 1, img.h, img.w, img.c, out);
        expect([...out], `image ${k}: ${img.h}x${img.w}x${img.c}`).toEqual(img.phash);
      }
      // Through validate: two of the images, each twice, are the only pairs at distance 0.
      const items = expected.images.map((img, k) => new DatasetItem({ id: `i${k}`, media: Image.fromHWC(bytes.slice(img.offset, img.offset + img.h * img.w * img.c), img.h, img.w, img.c) }));
      const twice = [...items, new DatasetItem({ id: 'again0', media: items[0]!.media }), new DatasetItem({ id: 'again8', media: items[8]!.media })];
      const r = Dataset.fromIterable(twice).validate({ threshold: 0 });
      expect(r.duplicates.map((d) => `${d.a.id}=${d.b.id}:${d.exact}`)).toEqual(['i0=again0:true', 'i8=again8:true']);
    }),
  );
});
