/**
 * Issue 14, memory: each small hostile input of the red-team pass, rebuilt here, is imported by
 * a child process (test/security/rss-case.mjs over dist/, heap capped at 1 GiB) that reports the
 * error code and its peak RSS (`process.resourceUsage().maxRSS`). Each must end in its coded
 * error with a bounded peak; none may abort the runtime. A memory bound, not a timing one.
 */
import { concatBytes as concat } from '../../scripts/bytes.mjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Gzip, gzipSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { tar, tarHeader } from '../archive/tar-writer.js';
import { writePickle, type PyWritable } from '../../src/pickle/index.js';
import { DType, NdArray } from '../../src/pickle/ndarray.js';

const ROOT = join(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'rss-case.mjs');
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'cifarkit-rss-'));

function child(path: string, format = '', limits?: object): { code: string; detail: string; maxRss: number } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=1024', CHILD, path, format, ...(limits ? [JSON.stringify(limits)] : [])], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0); // no runtime abort, no OOM kill
  return JSON.parse(line);
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const sbu = (s: string) => Uint8Array.of(0x8c, s.length, ...ascii(s));
const le32 = (v: number) => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);

/** `]` then n copies of `item` appended in batches of 1000 (as Python writes a list). */
function list(n: number, item: Uint8Array): Uint8Array {
  const batch = (k: number) => concat([Uint8Array.of(0x28), ...Array.from({ length: k }, () => item), Uint8Array.of(0x65)]);
  const full = batch(1000);
  const parts = [Uint8Array.of(0x5d)];
  for (let done = 0; done < n; done += 1000) parts.push(n - done >= 1000 ? full : batch(n - done));
  return concat(parts);
}

/** A .tar.gz of entries whose data is produced in 1 MiB chunks (gigabytes never held). */
function streamedTarGz(entries: { name: string; size: number; chunk: (i: number, n: number) => Uint8Array<ArrayBuffer> }[]): Uint8Array {
  const out: Uint8Array[] = [];
  const gz = new Gzip({ level: 1 }, (c) => out.push(c));
  for (const e of entries) {
    gz.push(tarHeader({ name: e.name, size: e.size }));
    for (let done = 0, i = 0; done < e.size; i++) {
      const n = Math.min(MiB, e.size - done);
      gz.push(e.chunk(i, n));
      done += n;
    }
    if (e.size % 512) gz.push(new Uint8Array(512 - (e.size % 512)));
  }
  gz.push(new Uint8Array(1024), true);
  return concat(out);
}

describe('hostile inputs of issue 14 end in a coded error with bounded memory (child processes)', { timeout: 600_000 }, () => {
  it('finding 2: a .tar.gz batch of 150M DUP opcodes is PICKLE_CORRUPT (was: a fatal "invalid size" abort)', () => {
    const dups: Uint8Array<ArrayBuffer> = new Uint8Array(MiB).fill(0x32);
    const size = 150 * MiB;
    const tgz = streamedTarGz([{ name: 'data_batch_1', size, chunk: (i, n) => (i === 0 ? concat([Uint8Array.of(0x80, 2, 0x4e), dups.subarray(3, n)]) : dups.subarray(0, n)) }]);
    expect(tgz.length).toBeLessThan(MiB);
    const r = child(write('dup-flood.tar.gz', tgz), 'cifar');
    expect(r.code, r.detail).toBe('PICKLE_CORRUPT');
    expect(r.detail).toContain('stack grows beyond');
    expect(r.maxRss).toBeLessThan(GiB);
  });

  it("finding 3: {'data': [a] * 400,000} (memo references to one image) is IMPORT_TOO_LARGE (was: 1.2 GB of pixels)", () => {
    const image = concat([
      ascii('cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01(M\x00\x0ctcnumpy\ndtype\nU\x02u1K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89B'),
      le32(3072),
      new Uint8Array(3072).fill(7),
      ascii('tbq\x01'),
    ]);
    const n = 400_000;
    const batch = concat([Uint8Array.of(0x80, 2, 0x7d, 0x28), sbu('data'), image, Uint8Array.of(0x30), list(n, ascii('h\x01')), sbu('labels'), list(n, ascii('K\x00')), ascii('u.')]);
    const tgz = gzipSync(tar([{ name: 'data_batch_1', data: batch }]), { level: 9 });
    expect(tgz.length).toBeLessThan(64 * 1024);
    const r = child(write('memo-amplify.tar.gz', tgz), 'cifar');
    expect(r.code, r.detail).toBe('IMPORT_TOO_LARGE');
    expect(r.detail).toContain('decode budget');
    expect(r.maxRss).toBeLessThan(GiB);
  });

  it('a .tar.gz batch of 30M empty Python 2 strings (under a key no importer reads) is IMPORT_TOO_LARGE: the values a pickle makes are charged (was: an out-of-memory abort)', () => {
    const n = 30_000_000;
    const batch = concat([Uint8Array.of(0x80, 2, 0x7d), ascii('U\x04junk'), list(n, ascii('U\x00')), ascii('s.')]);
    const tgz = gzipSync(tar([{ name: 'data_batch_1', data: batch }]), { level: 6 });
    expect(tgz.length).toBeLessThan(MiB);
    const r = child(write('empty-strings.tar.gz', tgz), 'cifar');
    expect(r.code, r.detail).toBe('IMPORT_TOO_LARGE');
    expect(r.detail).toContain('a value the pickle builds');
    // The README's bound: F + 2 × (256 MiB + 64 × input bytes), F ~60 MB.
    expect(r.maxRss).toBeLessThan(60 * MiB + 2 * (256 * MiB + 64 * tgz.length));
  });

  it('16M empty dicts in a batch from a few KB: IMPORT_TOO_LARGE; beside a dataset, under a name no import reads, the dataset imports (was: an out-of-memory abort)', () => {
    const n = 16_000_000;
    const flood = concat([Uint8Array.of(0x80, 2, 0x7d), ascii('U\x04junk'), list(n, Uint8Array.of(0x7d)), ascii('s.')]);
    const bound = (input: number) => 60 * MiB + 2 * (256 * MiB + 64 * input);
    const own = gzipSync(tar([{ name: 'data_batch_1', data: flood }]), { level: 6 });
    const r = child(write('dict-flood.tar.gz', own), 'cifar');
    expect(r.code, r.detail).toBe('IMPORT_TOO_LARGE');
    expect(r.maxRss).toBeLessThan(bound(own.length));
    // Beside a real (one-image) dataset: the archive's batches are unpickled as they come in,
    // this one too, within a budget of their own; the import reads only c/.
    const meta = writePickle(new Map<PyWritable, PyWritable>([['label_names', ['a', 'b']]]), { python2: true });
    const pixels = new NdArray().init([1, 3072], new DType('u1'), false, new Uint8Array(3072).fill(9));
    const batch = writePickle(new Map<PyWritable, PyWritable>([['filenames', ['x.png']], ['labels', [1]], ['data', pixels]]), { python2: true });
    const beside = gzipSync(tar([{ name: 'c/batches.meta', data: meta }, { name: 'c/data_batch_1', data: batch }, { name: 'junk/data_batch_1', data: flood }]), { level: 6 });
    const b = child(write('dict-flood-beside.tar.gz', beside), 'cifar');
    expect([b.code, b.detail]).toEqual(['ok', '1 items']);
    expect(b.maxRss).toBeLessThan(bound(beside.length));
  });

  it('finding 3: 10M label-only MNIST items from a few KB are IMPORT_TOO_LARGE (limits.maxItems; was: 4.5 GB)', () => {
    const n = 10_000_000;
    const labels = new Uint8Array(8 + n);
    labels.set([0, 0, 8, 1, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    const folder = join(dir, 'mnist-items');
    mkdirSync(folder);
    writeFileSync(join(folder, 'train-labels-idx1-ubyte.gz'), gzipSync(labels, { level: 9 }));
    const r = child(folder, 'mnist');
    expect(r.code, r.detail).toBe('IMPORT_TOO_LARGE');
    expect(r.detail).toContain('limits.maxItems');
    expect(r.maxRss).toBeLessThan(GiB);
  });

  it('finding 4: an ImageNet .tar.gz of four flat 7000x7000 PNGs is IMPORT_TOO_LARGE before decoding (was: GBs of pixels)', () => {
    const w = 7000;
    const chunk = (type: string, data: Uint8Array) => {
      const body = concat([ascii(type), data]);
      const out = new Uint8Array(12 + data.length);
      new DataView(out.buffer).setUint32(0, data.length);
      out.set(body, 4);
      new DataView(out.buffer).setUint32(8 + data.length, crc32(body));
      return out;
    };
    const ihdr = new Uint8Array(13);
    new DataView(ihdr.buffer).setUint32(0, w);
    new DataView(ihdr.buffer).setUint32(4, w);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const png = concat([Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(new Uint8Array(w * (3 * w + 1)), { level: 9 })), chunk('IEND', new Uint8Array(0))]);
    const tgz = gzipSync(tar(['a', 'b', 'c', 'd'].map((n) => ({ name: `cat/${n}.png`, data: png }))), { level: 9 });
    expect(tgz.length).toBeLessThan(64 * 1024);
    const r = child(write('png-bomb.tar.gz', tgz), 'imagenet');
    expect(r.code, r.detail).toBe('IMPORT_TOO_LARGE');
    expect(r.detail).toContain('the 7000x7000 image');
    expect(r.maxRss).toBeLessThan(GiB);
  });

  it('finding 5: eight MNIST subsets of nested .gz in one .tar.gz count against one maxTotalBytes (was: per .gz)', () => {
    const n = 51_000; // 40 MB of images per subset: 320 MB over 8 subsets
    const labels = new Uint8Array(8 + n);
    labels.set([0, 0, 8, 1, 0, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    const images = new Uint8Array(16 + n * 784);
    images.set([0, 0, 8, 3, 0, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, 0, 0, 0, 28, 0, 0, 0, 28]);
    const lgz = gzipSync(labels, { level: 9 });
    const igz = gzipSync(images, { level: 9 });
    const entries = [];
    for (let s = 0; s < 8; s++) {
      entries.push({ name: `mnist/s${s}-labels-idx1-ubyte.gz`, data: lgz }, { name: `mnist/s${s}-images-idx3-ubyte.gz`, data: igz });
    }
    const tgz = gzipSync(tar(entries), { level: 9 });
    expect(tgz.length).toBeLessThan(256 * 1024);
    const path = write('nested-gz.tar.gz', tgz);
    const limited = child(path, 'mnist', { maxTotalBytes: 256 * MiB });
    expect(limited.code, limited.detail).toBe('ARCHIVE_TOO_LARGE');
    expect(limited.detail).toContain('limits.maxTotalBytes');
    expect(limited.maxRss).toBeLessThan(GiB);
    const defaults = child(path, 'mnist');
    expect(defaults.code, defaults.detail).toBe('IMPORT_TOO_LARGE');
    expect(defaults.maxRss).toBeLessThan(GiB);
  });

  it('finding 6: a .tar.gz batch member of 1.5 GB of zeros is refused at its first bytes, under 100 MB of RSS', () => {
    const zeros: Uint8Array<ArrayBuffer> = new Uint8Array(MiB);
    const tgz = streamedTarGz([{ name: 'cifar-10-batches-py/data_batch_1', size: 1536 * MiB, chunk: (_i, n) => zeros.subarray(0, n) }]);
    expect(tgz.length).toBeLessThan(4 * MiB);
    const r = child(write('zero-bomb.tar.gz', tgz));
    expect(r.code, r.detail).toBe('PICKLE_CORRUPT');
    expect(r.detail).toContain('cannot begin a pickled dict');
    expect(r.maxRss).toBeLessThan(100 * MiB);
  });
});
