/**
 * Archives as sources: the fixtures of test/fixtures/archives/ (written by Python's tarfile,
 * gzip and zipfile) read through archiveSource + importSource from every input kind, compared
 * with what Python computed for the same files; unsafe, broken and oversized archives refused
 * with their codes; streaming and read-once behaviour.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { archiveSource, isArchiveInput, sniffArchive, isArchiveFileName, type ArchiveInput } from '../../src/archive/index.js';
import { importSource } from '../../src/formats/index.js';
import { importedItems } from '../../src/formats/format.js';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { describeDataset } from '../runtimes/cases.mjs';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { archiveChecks, chunked } from './runtime-cases.mjs';
import { BACKENDS, expectCifarkitError, withBackend } from '../helpers.js';
import { paxBody, tar } from './tar-writer.js';

const ARCHIVES = new URL('../fixtures/archives/', import.meta.url);
const GENERATED = new URL('../fixtures/generated/', import.meta.url);

interface ManifestEntry {
  file: string;
  expected?: string;
  root?: string;
  skipped?: string[];
  error?: string;
  mentions?: string[];
}
const manifest: ManifestEntry[] = JSON.parse(await readFile(new URL('manifest.json', ARCHIVES), 'utf8'));
const archives: Record<string, Uint8Array> = {};
for (const e of manifest) archives[e.file] = new Uint8Array(await readFile(new URL(e.file, ARCHIVES)));
const expected: Record<string, { labels: unknown; subsets: unknown; items: unknown[] }> = {};
for (const name of ['py2-cifar10', 'py2-cifar100']) expected[name] = JSON.parse(await readFile(new URL(`${name}.expected.json`, GENERATED), 'utf8'));
const want = (name: string) => {
  const { labels, subsets, items } = expected[name.replace(/\.expected\.json$/, '')]!;
  return { labels, subsets, items };
};

/** What importFrom will do once wired: archiveSource, then importSource; a Dataset-like result. */
async function importArchive(input: ArchiveInput, format?: string, options?: Parameters<typeof archiveSource>[1]) {
  const imported = await importSource(await archiveSource(input, options), format);
  const items = importedItems(imported);
  return {
    format: imported.format,
    labels: imported.labels,
    size: items.length,
    subsets: () => imported.subsets ?? [],
    [Symbol.iterator]: () => items[Symbol.iterator](),
  };
}

const INPUTS: Record<string, (b: Uint8Array) => ArchiveInput> = {
  Uint8Array: (b) => b,
  ArrayBuffer: (b) => b.slice().buffer,
  Blob: (b) => new Blob([b.slice()]),
  Response: (b) => new Response(b.slice()),
  ReadableStream: (b) => chunked(b, 4096),
  // Node 20's fetch reads data: URLs (blob: URLs it does not), so URL inputs are tested with data: URLs.
  'URL (data:)': (b) => new URL(`data:application/octet-stream;base64,${Buffer.from(b).toString('base64')}`),
};

const official = manifest.filter((e) => e.expected && e.file.startsWith('cifar-'));
const good = manifest.filter((e) => e.expected);
const bad = manifest.filter((e) => e.error);

describe('sniffArchive / isArchiveInput / isArchiveFileName', () => {
  it('tells the kinds apart by their first bytes', () => {
    expect(sniffArchive(archives['cifar-10-python.tar.gz']!)).toBe('gzip');
    expect(sniffArchive(archives['cifar-10-python.tar']!)).toBe('tar');
    expect(sniffArchive(archives['cifar-10-python.zip']!)).toBe('zip');
    expect(sniffArchive(zipSync({}))).toBe('zip'); // an empty zip starts with its end record
    expect(sniffArchive(new Uint8Array([0x80, 2, 0x7d]))).toBeNull();
    expect(sniffArchive(new Uint8Array(0))).toBeNull();
  });
  it('recognises the input kinds without reading them', () => {
    for (const make of Object.values(INPUTS)) expect(isArchiveInput(make(new Uint8Array(4)))).toBe(true);
    for (const v of [null, 'x.tar.gz', {}, { 'a/b': new Uint8Array(1) }, new Map(), [new Uint8Array(1)], new Uint16Array(2)]) expect(isArchiveInput(v)).toBe(false);
  });
  it('recognises archive file names', () => {
    for (const n of ['cifar-10-python.tar.gz', 'x.TGZ', 'a.tar', 'b.zip']) expect(isArchiveFileName(n)).toBe(true);
    for (const n of ['data_batch_1', 'x.gz', 'tar', 'batches.meta']) expect(isArchiveFileName(n)).toBe(false);
  });
});

describe.each(BACKENDS)('official archive layouts (%s backend)', (backend) => {
  for (const entry of official) {
    it.each(Object.keys(INPUTS))(`${entry.file} from a %s`, async (kind) => {
      const ds = await withBackend(backend, () => importArchive(INPUTS[kind]!(archives[entry.file]!), 'cifar'));
      expect(await describeDataset(ds)).toEqual(want(entry.expected!));
    });
  }
  it('detects the format of a .tar.gz when none is given', async () => {
    const ds = await withBackend(backend, () => importArchive(archives['cifar-100-python.tar.gz']!));
    expect(ds.format).toBe('cifar');
    expect(await describeDataset(ds)).toEqual(want('py2-cifar100'));
  });
});

describe('tar dialects and odd entries', () => {
  for (const entry of good.filter((e) => !e.file.startsWith('cifar-'))) {
    it(`${entry.file}`, async () => {
      const source = await archiveSource(archives[entry.file]!, { name: entry.file });
      if (entry.root) expect(await source.tree.kind(`${entry.root}/cifar-10-batches-py/data_batch_1`)).toBe('file');
      expect(source.tree.skipped.map((s) => s.path)).toEqual(entry.skipped ?? []);
      const ds = await importArchive(archives[entry.file]!, 'cifar');
      expect(await describeDataset(ds)).toEqual(want(entry.expected!));
    });
  }

  it('records why links are skipped', async () => {
    const source = await archiveSource(archives['links.tar']!);
    expect(source.tree.skipped).toEqual([
      { path: 'cifar-10-batches-py/link_batch', reason: "symbolic link to '/etc/passwd'" },
      { path: 'cifar-10-batches-py/hard_batch', reason: "hard link to 'cifar-10-batches-py/test_batch'" },
    ]);
    expect(await source.tree.kind('cifar-10-batches-py/link_batch')).toBeNull();
  });

  it('keeps the later of two entries with the same path', async () => {
    const source = await archiveSource(tar([{ name: 'd/f', data: new Uint8Array([1]) }, { name: 'd/f', data: new Uint8Array([2, 3]) }]));
    expect([...(await source.tree.read('d/f'))]).toEqual([2, 3]);
  });

  it('normalises ./ prefixes, implies folders and reads empty files', async () => {
    const source = await archiveSource(tar([{ name: './', type: '5' }, { name: './a/b/c.txt', data: new Uint8Array([7]) }, { name: 'a/empty' }, { name: 'v7dir/', type: '0' }]));
    expect(await source.tree.list('')).toEqual([{ name: 'a', kind: 'dir' }, { name: 'v7dir', kind: 'dir' }]);
    expect(await source.tree.list('a')).toEqual([{ name: 'b', kind: 'dir' }, { name: 'empty', kind: 'file' }]);
    expect((await source.tree.read('a/empty')).length).toBe(0);
    expect(source.tree.display('a/b/c.txt')).toBe('<archive>/a/b/c.txt');
  });

  it('reads pax size and path records written by hand, and skips global headers', async () => {
    const data = new Uint8Array(1000).map((_, i) => i);
    const name = `${'n'.repeat(150)}/ü.bin`;
    const bytes = tar([{ name: 'pax_global_header', type: 'g', data: paxBody({ comment: 'hi' }) }, { name: 'PaxHeader', type: 'x', data: paxBody({ path: name, size: '1000' }) }, { name: 'short', data, size: 0 }]);
    // The header says 0 bytes but the pax record says 1000 (and the data is there): pax wins.
    const source = await archiveSource(bytes);
    expect([...(await source.tree.read(name))]).toEqual([...data]);
  });

  it('refuses a NUL inside a pax path', async () => {
    const bytes = tar([{ name: 'PaxHeader', type: 'x', data: paxBody({ path: 'a\0b' }) }, { name: 'x', data: new Uint8Array(1) }]);
    await expectCifarkitError(() => archiveSource(bytes), 'UNSAFE_PATH', ['a\\0b', 'NUL']);
  });

  it('ends a header name at its NUL', async () => {
    const source = await archiveSource(tar([{ name: '', nameBytes: new TextEncoder().encode('good\0/../../evil'), data: new Uint8Array([1]) }]));
    expect(await source.tree.list('')).toEqual([{ name: 'good', kind: 'file' }]);
  });

  it('refuses a path that is both a file and a folder', async () => {
    await expectCifarkitError(() => archiveSource(tar([{ name: 'a', data: new Uint8Array(1) }, { name: 'a/b', data: new Uint8Array(1) }])), 'ARCHIVE_CORRUPT', [
      "'a' is both a file and a folder",
    ]);
  });
});

describe('unsafe paths', () => {
  for (const entry of bad) {
    it(`${entry.file}: ${entry.error}`, async () => {
      const err = await expectCifarkitError(() => archiveSource(archives[entry.file]!, { name: entry.file }), entry.error!, [entry.file, ...entry.mentions!]);
      expect(err.file).toBe(entry.file);
    });
  }
  it.each([
    ['C:/evil', 'is absolute'],
    ['a\\..\\..\\evil', "has a '..' part"],
  ])('%s', async (name, why) => {
    await expectCifarkitError(() => archiveSource(zipSync({ [name]: new Uint8Array(1) })), 'UNSAFE_PATH', [why]);
  });
});

describe('broken archives', () => {
  const gz = archives['cifar-10-python.tar.gz']!;
  const plain = archives['cifar-10-python.tar']!;
  it('truncated gzip', async () => {
    await expectCifarkitError(() => archiveSource(gz.subarray(0, gz.length >> 1), { name: 'c.tgz' }), 'ARCHIVE_TRUNCATED', ['c.tgz', 'the gzip stream ends early']);
    await expectCifarkitError(() => archiveSource(gz.subarray(0, 12)), 'ARCHIVE_TRUNCATED', ['gzip']);
  });
  it('gzip whose trailer is cut or wrong', async () => {
    // Cut inside the trailer: fflate reports its deflate data complete, so the trailer check fails;
    // node:zlib and DecompressionStream report the stream cut short (see src/archive/inflate.ts).
    if (api.getInflater() === 'fflate') await expectCifarkitError(() => archiveSource(gz.subarray(0, gz.length - 3)), 'ARCHIVE_CORRUPT', ['gzip trailer', 'CRC-32']);
    else await expectCifarkitError(() => archiveSource(gz.subarray(0, gz.length - 3)), 'ARCHIVE_TRUNCATED', ['the gzip stream ends early']);
    const flipped = gz.slice();
    flipped[flipped.length - 6]! ^= 1;
    await expectCifarkitError(() => archiveSource(flipped), 'ARCHIVE_CORRUPT', ['CRC-32']);
  });
  it('corrupt deflate data', async () => {
    const bad = gz.slice();
    bad.fill(0xff, 100, 400);
    await expectCifarkitError(() => archiveSource(bad), 'ARCHIVE_CORRUPT', ['gzip']);
  });
  it('truncated tar, at every kind of place', async () => {
    await expectCifarkitError(() => archiveSource(plain.subarray(0, 5000)), 'ARCHIVE_TRUNCATED', ["the data of 'cifar-10-batches-py/data_batch_1'", 'byte 5000']);
    await expectCifarkitError(() => archiveSource(plain.subarray(0, 700)), 'ARCHIVE_TRUNCATED', ['inside an entry header']);
    await expectCifarkitError(() => archiveSource(tar([{ name: 'a', data: new Uint8Array(3) }], { end: false })), 'ARCHIVE_TRUNCATED', ['end-of-archive marker']);
    // Cut inside the tar of a complete gzip: the tar reader sees it.
    await expectCifarkitError(() => archiveSource(gzipSync(plain.subarray(0, 5000))), 'ARCHIVE_TRUNCATED', ['data_batch_1']);
  });
  it('bad tar header checksum', async () => {
    const bad = plain.slice();
    bad[512 + 10]! ^= 0x40;
    await expectCifarkitError(() => archiveSource(bad), 'ARCHIVE_CORRUPT', ['bad tar header checksum at byte 512']);
    await expectCifarkitError(() => archiveSource(gzipSync(new Uint8Array(600).fill(65))), 'ARCHIVE_CORRUPT', ['not a tar archive']);
  });
  it('corrupt and truncated zip', async () => {
    const zip = archives['cifar-10-python.zip']!;
    await expectCifarkitError(() => archiveSource(zip.subarray(0, zip.length - 30)), 'ARCHIVE_CORRUPT', ['invalid zip data']);
    const bad = zip.slice();
    bad.fill(0x55, 200, 2000); // inside the first batch's deflate data
    await expectCifarkitError(() => archiveSource(bad), 'ARCHIVE_CORRUPT', ['zip']);
  });
  it('not an archive, or empty', async () => {
    await expectCifarkitError(() => archiveSource(new Uint8Array([0x80, 2, 0x7d, 0x71])), 'ARCHIVE_CORRUPT', ['not a .tar, .tar.gz/.tgz or .zip archive']);
    await expectCifarkitError(() => archiveSource(new Blob([])), 'ARCHIVE_TRUNCATED', ['empty']);
  });
  it('a Response that is not OK, and a used one', async () => {
    await expectCifarkitError(() => archiveSource(new Response('nope', { status: 404 })), 'FILE_NOT_FOUND', ['404']);
    const used = new Response(gz.slice());
    await used.arrayBuffer();
    await expectCifarkitError(() => archiveSource(used), 'INVALID_ARGUMENT', ['already read']);
  });
  it('a stream that fails midway', async () => {
    let n = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(c) {
        if (n++ < 3) c.enqueue(gz.slice((n - 1) * 1000, n * 1000));
        else c.error(new Error('connection reset'));
      },
    });
    await expectCifarkitError(() => archiveSource(failing), 'INVALID_ARGUMENT', ['reading the archive failed', 'connection reset']);
  });
});

describe('limits', () => {
  it('maxTotalBytes: refused before allocating the entry', async () => {
    await expectCifarkitError(() => archiveSource(archives['cifar-10-python.tar.gz']!, { limits: { maxTotalBytes: 10_000 } }), 'ARCHIVE_TOO_LARGE', [
      "entry 'cifar-10-batches-py/data_batch_1' (9539 bytes)",
      'limit of 10000 bytes',
    ]);
    // A header claiming 8 GiB is refused by the limit, not by a failed allocation.
    const huge = tar([{ name: 'big', size: 0o77777777777 }], { end: false });
    await expectCifarkitError(() => archiveSource(huge, { limits: { maxTotalBytes: 2 ** 32 } }), 'ARCHIVE_TOO_LARGE', ["entry 'big' (8589934591 bytes)", 'limits.maxTotalBytes']);
    // GNU base-256 size field: 2^40.
    const b256 = tar([{ name: 'big256' }], { end: false });
    b256.fill(0, 124, 136);
    b256[124] = 0x80;
    b256[136 - 6] = 1;
    b256.fill(0x20, 148, 156);
    b256.set(new TextEncoder().encode(b256.subarray(0, 512).reduce((a, x) => a + x, 0).toString(8).padStart(6, '0') + '\0 '), 148);
    await expectCifarkitError(() => archiveSource(b256), 'ARCHIVE_TOO_LARGE', ["entry 'big256' (1099511627776 bytes)"]);
  });
  it('maxTotalBytes on the inflated stream of a gzip bomb', async () => {
    const bomb = gzipSync(tar([{ name: 'skip', type: 'S', data: new Uint8Array(4_000_000) }]));
    expect(bomb.length).toBeLessThan(10_000);
    await expectCifarkitError(() => archiveSource(bomb, { limits: { maxTotalBytes: 1_000_000 } }), 'ARCHIVE_TOO_LARGE', ['limit of 1000000 bytes']);
  });
  it('maxTotalBytes for zip', async () => {
    await expectCifarkitError(() => archiveSource(archives['cifar-10-python.zip']!, { limits: { maxTotalBytes: 10_000 } }), 'ARCHIVE_TOO_LARGE', ['limit of 10000 bytes']);
  });
  it('maxEntries', async () => {
    for (const file of ['cifar-10-python.tar.gz', 'cifar-10-python.zip']) {
      await expectCifarkitError(() => archiveSource(archives[file]!, { limits: { maxEntries: 3 } }), 'ARCHIVE_TOO_LARGE', ['more than 3 entries', 'limits.maxEntries']);
    }
    await expect(archiveSource(archives['cifar-10-python.tar.gz']!, { limits: { maxEntries: 6 } })).resolves.toBeTruthy();
  });
  it('bad limit values', async () => {
    await expectCifarkitError(() => archiveSource(new Uint8Array(1), { limits: { maxEntries: -1 } }), 'INVALID_ARGUMENT', ['limits.maxEntries']);
  });
});

describe('streaming and read-once', () => {
  it('reads a .tar.gz fed in 7-byte chunks', async () => {
    const gz = archives['cifar-100-python.tar.gz']!;
    let pulls = 0;
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        if (at >= gz.length) return c.close();
        c.enqueue(gz.slice(at, at + 7));
        at += 7;
      },
    });
    const ds = await importArchive(stream, 'cifar');
    expect(pulls).toBeGreaterThan(gz.length / 7);
    expect(await describeDataset(ds)).toEqual(want('py2-cifar100'));
  });

  it('hands a file over once; peek does not consume', async () => {
    const source = await archiveSource(archives['cifar-10-python.tar']!, { name: 'c10.tar' });
    const path = 'cifar-10-batches-py/data_batch_1';
    expect([...(await source.tree.peek(path, 2))]).toEqual([0x80, 2]);
    const first = await source.tree.read(path);
    expect(first.length).toBe(9539);
    expect(await source.tree.kind(path)).toBe('file');
    await expectCifarkitError(() => source.tree.read(path), 'ARCHIVE_ENTRY_CONSUMED', ['c10.tar/cifar-10-batches-py/data_batch_1', 'read once']);
    await expectCifarkitError(() => source.tree.peek(path, 2), 'ARCHIVE_ENTRY_CONSUMED');
    await expectCifarkitError(() => source.tree.read('nope'), 'FILE_NOT_FOUND', ['c10.tar/nope']);
  });

  it('names the archive after a File or a URL', async () => {
    const file = new File([archives['dotdot.tar']!.slice()], 'upload.tar');
    await expectCifarkitError(() => archiveSource(file), 'UNSAFE_PATH', ['upload.tar: archive entry']);
  });
});

describe('runtime-cases.mjs (the Deno/Chromium checks) against src/', () => {
  it('passes every check', async () => {
    const shim = {
      ...api,
      Dataset: { importFrom: (input: ArchiveInput, format?: string) => importArchive(input, format) },
    };
    const results: { name: string; ok: boolean; detail: string | null }[] = await archiveChecks(shim, { archives, manifest, expected, describeDataset });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(40);
  });
});
