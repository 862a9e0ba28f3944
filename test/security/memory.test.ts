/**
 * Memory: a file of a few bytes that declares a multi-GB string, array, frame or archive entry is
 * refused before anything of that size is allocated, and what an import keeps is within a small
 * multiple of its input. Allocation is measured as the growth of `arrayBuffers` (the bytes of
 * live ArrayBuffers) across the call: without the checks, these inputs allocate gigabytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, Dataset } from '../../src/index.js';
import { readPickle } from '../../src/pickle/index.js';
import { archiveSource } from '../../src/archive/index.js';
import { bytes, expectCifarkitError } from '../helpers.js';
import { tar } from '../archive/tar-writer.js';

const MB = 2 ** 20;

/** Runs `fn` (sync or async) and returns the growth of live ArrayBuffer bytes seen right after it. */
async function arrayBufferGrowth(fn: () => unknown): Promise<number> {
  const before = process.memoryUsage().arrayBuffers;
  let kept: unknown;
  try {
    kept = await fn();
  } catch {
    // the refusal is checked separately
  }
  const after = process.memoryUsage().arrayBuffers;
  void kept;
  return after - before;
}

function le(value: bigint, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
}

const HUGE64 = 2n ** 40n; // 1 TiB
const pickles: Record<string, { input: Uint8Array; code: string; mentions: string[] }> = {
  BINBYTES8: { input: Uint8Array.of(0x80, 4, 0x8e, ...le(HUGE64, 8), 0x2e), code: 'PICKLE_TRUNCATED', mentions: ['1099511627776 more bytes'] },
  BINUNICODE8: { input: Uint8Array.of(0x80, 4, 0x8d, ...le(HUGE64, 8), 0x2e), code: 'PICKLE_TRUNCATED', mentions: ['1099511627776 more bytes'] },
  BYTEARRAY8: { input: Uint8Array.of(0x80, 5, 0x96, ...le(HUGE64, 8), 0x2e), code: 'PICKLE_TRUNCATED', mentions: ['1099511627776 more bytes'] },
  'BINBYTES8 beyond 2^53': { input: Uint8Array.of(0x80, 4, 0x8e, ...le(2n ** 63n, 8), 0x2e), code: 'PICKLE_CORRUPT', mentions: ['exceeds 2^53'] },
  BINUNICODE: { input: Uint8Array.of(0x80, 3, 0x58, ...le(2n ** 32n - 1n, 4), 0x2e), code: 'PICKLE_TRUNCATED', mentions: ['4294967295 more bytes'] },
  BINSTRING: { input: Uint8Array.of(0x80, 2, 0x54, ...le(2n ** 31n - 1n, 4), 0x2e), code: 'PICKLE_TRUNCATED', mentions: ['2147483647 more bytes'] },
  // FRAME's length is only a hint (pickleparser skips it): the frame's contents are what count.
  FRAME: { input: Uint8Array.of(0x80, 4, 0x95, ...le(HUGE64, 8), 0x4b, 1), code: 'PICKLE_TRUNCATED', mentions: ['truncated'] },
  LONG4: { input: Uint8Array.of(0x80, 2, 0x8b, ...le(2n ** 31n, 4), 0x2e), code: 'PICKLE_CORRUPT', mentions: ['LONG4 integer of 2147483648 bytes', 'longer than the 1024 bytes'] },
};

describe('declared sizes are refused before allocating', () => {
  for (const [name, c] of Object.entries(pickles)) {
    it(`pickle ${name}: ${c.input.length} bytes declaring more are refused with ${c.code}`, async () => {
      await expectCifarkitError(() => readPickle(c.input), c.code, c.mentions);
      expect(await arrayBufferGrowth(() => readPickle(c.input))).toBeLessThan(MB);
    });
  }

  it('a LONG4 of 1 MiB is refused at once (pickleparser builds it in quadratic time: hours)', async () => {
    const n = MB;
    const input = new Uint8Array(n + 8);
    input.set([0x80, 2, 0x8b, ...le(BigInt(n), 4)]);
    input.fill(0xab, 7, 7 + n);
    input[7 + n] = 0x2e;
    await expectCifarkitError(() => readPickle(input), 'PICKLE_CORRUPT', ['LONG4 integer of 1048576 bytes']);
    // 1024 bytes (an 8192-bit int) still read.
    const ok = Uint8Array.of(0x80, 2, 0x8b, ...le(1024n, 4), ...new Uint8Array(1023), 1, 0x2e);
    expect(readPickle(ok)).toBe(2n ** 8184n);
  });

  it('a LONG1 beyond 2^53 or negative is refused (not a wrong value, no console noise)', async () => {
    await expectCifarkitError(() => readPickle(Uint8Array.of(0x80, 2, 0x8a, 8, ...le(2n ** 60n, 8), 0x2e)), 'PICKLE_CORRUPT', ['LONG1 integer of 8 bytes', 'beyond 2^53']);
    await expectCifarkitError(() => readPickle(Uint8Array.of(0x80, 2, 0x8a, 5, ...le(-(2n ** 39n), 5), 0x2e)), 'PICKLE_CORRUPT', ['negative']);
    expect(readPickle(Uint8Array.of(0x80, 2, 0x8a, 7, ...le(2n ** 53n - 1n, 7), 0x2e))).toBe(2 ** 53 - 1);
    expect(readPickle(Uint8Array.of(0x80, 2, 0x8a, 0, 0x2e))).toBe(0);
  });

  it('a numpy array whose shape multiplies to more than its payload is refused', async () => {
    // _reconstruct(ndarray, (0,), b'b') + BUILD (1, (2^31, 2^31), dtype('u1'), False, b'abc')
    const shape = [0x28, 0x8a, 5, ...le(2n ** 31n, 5), 0x8a, 5, ...le(2n ** 31n, 5), 0x74];
    const input = new Uint8Array([
      ...bytes('\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01'),
      ...shape,
      ...bytes('cnumpy\ndtype\nU\x02u1K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89C\x03abctb.'),
    ]);
    await expectCifarkitError(() => readPickle(input), 'NDARRAY_INVALID', []);
    expect(await arrayBufferGrowth(() => readPickle(input))).toBeLessThan(MB);
  });

  it('a tar entry declaring 8 GiB in a 1 KiB archive is refused from its header', async () => {
    const big = tar([{ name: 'big', size: 8 * 2 ** 30 }], { end: false });
    expect(big.length).toBe(512);
    await expectCifarkitError(() => archiveSource(big, { limits: { maxTotalBytes: 2 ** 32 } }), 'ARCHIVE_TOO_LARGE', ["entry 'big'", 'limits.maxTotalBytes']);
    // 4 GiB is under the default limit (8 GiB): a truncated archive, and nothing of that size is allocated.
    const four = tar([{ name: 'big', size: 4 * 2 ** 30 }], { end: false });
    await expectCifarkitError(() => archiveSource(four), 'ARCHIVE_TRUNCATED', ["the data of 'big'", '0 of 4294967296 bytes']);
    expect(await arrayBufferGrowth(() => archiveSource(four))).toBeLessThan(MB);
  });

  it('an entry over 64 MiB is collected as it arrives and read back exactly', async () => {
    const size = 64 * MB + 3;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i += 4093) data[i] = (i / 4093) & 0xff;
    data[size - 1] = 0x5a;
    const source = await archiveSource(tar([{ name: 'big', data }]));
    const back = await source.tree.read('big');
    expect(back.length).toBe(size);
    expect(Buffer.compare(back, data)).toBe(0);
  });

  for (const level of [0, 6] as const) {
    it(`a zip entry declaring 4 GiB uncompressed is refused from its header (${level ? 'deflated' : 'stored'})`, async () => {
      const zip = zipSync({ 'cifar-10-batches-py/data_batch_1': new Uint8Array(100).fill(7) }, { level });
      // Central directory: uncompressed size at +24 of the PK\x01\x02 record (fflate allocates it up front).
      const cd = zip.findIndex((_, i) => zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 1 && zip[i + 3] === 2);
      new DataView(zip.buffer).setUint32(cd + 24, 0xffff_fff0, true);
      await expectCifarkitError(() => archiveSource(zip), 'ARCHIVE_CORRUPT', ["entry 'cifar-10-batches-py/data_batch_1' declares 4294967280 bytes", 'more than they can hold']);
      expect(await arrayBufferGrowth(() => archiveSource(zip))).toBeLessThan(MB);
    });
  }

  it('a 30-byte .gz declaring 4 GiB (gzip trailer) is not allocated: MNIST and archives', async () => {
    const gz = gzipSync(new Uint8Array(10));
    new DataView(gz.buffer).setUint32(gz.length - 4, 0xffff_fff0, true);
    const labels = gzipSync(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 1, 0));
    const files = { 'train-labels-idx1-ubyte.gz': labels, 'train-images-idx3-ubyte.gz': gz };
    await expectCifarkitError(() => Dataset.importFrom(files, 'mnist'), 'IDX_INVALID', ['train-images-idx3-ubyte.gz', 'gzip trailer']);
    expect(await arrayBufferGrowth(() => Dataset.importFrom(files, 'mnist'))).toBeLessThan(MB);
    await expectCifarkitError(() => archiveSource(gz), 'ARCHIVE_CORRUPT', ['gzip trailer']);
  });

  it('a gzip bomb stops at limits.maxTotalBytes, counted as it inflates (MNIST and .tar.gz)', async () => {
    const bomb = gzipSync(new Uint8Array(16 * MB), { level: 9 }); // ~16 KiB
    expect(bomb.length).toBeLessThan(MB);
    const labels = gzipSync(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 1, 0));
    const files = { 'train-labels-idx1-ubyte.gz': labels, 'train-images-idx3-ubyte.gz': bomb };
    await expectCifarkitError(() => Dataset.importFrom(files, 'mnist', { limits: { maxTotalBytes: MB } }), 'ARCHIVE_TOO_LARGE', [
      'train-images-idx3-ubyte.gz',
      'limit of 1048576 bytes',
      'limits.maxTotalBytes',
    ]);
    const tgz = gzipSync(tar([{ name: 'x', data: new Uint8Array(16 * MB) }]), { level: 9 });
    await expectCifarkitError(() => Dataset.importFrom(tgz, undefined, { limits: { maxTotalBytes: MB } }), 'ARCHIVE_TOO_LARGE', ['limits.maxTotalBytes']);
  });
});

describe('the limits option', () => {
  it('has documented defaults and refuses bad values and unknown names', async () => {
    expect(DEFAULT_LIMITS).toEqual({ maxTotalBytes: 8 * 2 ** 30, maxEntries: 1_000_000, maxDecodedBytes: 256 * 2 ** 20, decodedBytesPerInputByte: 64, maxItems: 4_000_000 });
    const archive = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/archives/cifar-10-python.tar.gz')));
    await expectCifarkitError(() => Dataset.importFrom(archive, 'cifar', { limits: { maxEntries: -1 } }), 'INVALID_ARGUMENT', ['limits.maxEntries']);
    await expectCifarkitError(() => Dataset.importFrom(archive, 'cifar', { limits: { maxBytes: 1 } as never }), 'INVALID_ARGUMENT', ["unknown limit 'maxBytes'"]);
    await expectCifarkitError(() => Dataset.importFrom(archive, 'cifar', { limits: { maxEntries: 3 } }), 'ARCHIVE_TOO_LARGE', ['more than 3 entries']);
    await expectCifarkitError(() => Dataset.importFrom(archive, 'cifar', { limits: { maxTotalBytes: 10_000 } }), 'ARCHIVE_TOO_LARGE', ['limit of 10000 bytes']);
    expect((await Dataset.importFrom(archive, 'cifar', { limits: { maxEntries: 6 } })).size).toBeGreaterThan(0);
  });

  it('applies to paths on disk too (archives opened from a path)', async () => {
    const path = join(import.meta.dirname, '../fixtures/archives/cifar-10-python.tar.gz');
    await expectCifarkitError(() => Dataset.importFrom(path, 'cifar', { limits: { maxTotalBytes: 10_000 } }), 'ARCHIVE_TOO_LARGE', ['limits.maxTotalBytes']);
    expect((await Dataset.importFrom(path, 'cifar')).size).toBeGreaterThan(0);
  });
});

describe('what an import keeps is a small multiple of its input', () => {
  it('CIFAR: the items are views of one pixel buffer per subset (pixels are never copied twice)', async () => {
    const dir = join(import.meta.dirname, '../fixtures/generated/py3-proto4');
    const files = Object.fromEntries(['batches.meta', 'data_batch_1', 'test_batch'].map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
    const inputBytes = Object.values(files).reduce((n, b) => n + b.length, 0);
    const ds = await Dataset.importFrom(files, 'cifar');
    const buffers = new Set<ArrayBufferLike>();
    let pixels = 0;
    for (const item of ds) {
      buffers.add(item.media!.data.buffer);
      pixels += item.media!.data.length;
    }
    expect(buffers.size).toBe(ds.subsets().length);
    const kept = [...buffers].reduce((n, b) => n + b.byteLength, 0);
    expect(kept).toBe(pixels); // exactly the pixels, nothing more
    expect(kept).toBeLessThanOrEqual(inputBytes);
  });
});

describe('one opcode with very many items', () => {
  function appends(n: number, batch: number): Uint8Array {
    const parts: number[] = [0x80, 2, 0x5d];
    for (let at = 0; at < n; at += batch) {
      parts.push(0x28);
      for (let i = at; i < Math.min(n, at + batch); i++) parts.push(0x4b, i & 0xff);
      parts.push(0x65);
    }
    parts.push(0x2e);
    return Uint8Array.from(parts);
  }

  it('500,000 items in one APPENDS: a clear PICKLE_CORRUPT, not a bare stack overflow', async () => {
    const err = await expectCifarkitError(() => readPickle(appends(500_000, 500_000)), 'PICKLE_CORRUPT', ['more items in one opcode than cifarkit reads', 'batches of 1000']);
    expect(err.cause).toBeInstanceOf(RangeError);
  });

  it('the same 500,000 items in batches of 1000, as Python writes them, are read', () => {
    const list = readPickle(appends(500_000, 1000)) as number[];
    expect(list.length).toBe(500_000);
    expect(list[256]).toBe(0);
    expect(list[499_999]).toBe(499_999 & 0xff);
  });
});
