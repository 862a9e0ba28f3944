/**
 * `prepareMember` (issue 16): work on an archive member as soon as its bytes are in, while the
 * rest of the archive still inflates. The CIFAR import unpickles its batches then
 * (`cifarMemberPreparer`) and uses those dicts instead of reading them again after the archive.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Dataset, ErrorCode, Label } from '../../src/index.js';
import { archiveSource } from '../../src/archive/index.js';
import { cifarMemberPreparer } from '../../src/formats/cifar/import.js';
import { importSource } from '../../src/formats/index.js';
import { importedItems } from '../../src/formats/format.js';
import { DecodeBudget, resolveLimits } from '../../src/limits.js';
import { writePickle, type PyWritable } from '../../src/pickle/index.js';
import { DType, NdArray } from '../../src/pickle/ndarray.js';
import { BACKENDS, expectCifarkitError, noise, sha256, withBackend } from '../helpers.js';
import { tar } from './tar-writer.js';

const ARCHIVES = new URL('../fixtures/archives/', import.meta.url);
const bytesOf = (s: string) => new TextEncoder().encode(s);

describe('archiveSource with prepareMember', () => {
  it('keeps what it made of each file for the tree, handed over once', async () => {
    const seen: string[] = [];
    const source = await archiveSource(gzipSync(tar([{ name: 'a/x', data: bytesOf('1') }, { name: 'a/y', data: bytesOf('22') }, { name: 'z', data: bytesOf('333') }])), {
      name: 't.tar.gz',
      prepareMember: (path, data, archive) => {
        seen.push(`${archive}:${path}`);
        return path === 'z' ? undefined : { path, length: data.length };
      },
    });
    expect(seen).toEqual(['t.tar.gz:a/x', 't.tar.gz:a/y', 't.tar.gz:z']);
    expect(source.tree.prepared('a/y')).toEqual({ path: 'a/y', length: 2 });
    expect(source.tree.prepared('a/y')).toBeUndefined(); // once
    expect(source.tree.prepared('a/x')).toEqual({ path: 'a/x', length: 1 });
    expect(source.tree.prepared('z')).toBeUndefined(); // nothing made
    expect(source.tree.prepared('nope')).toBeUndefined();
    // The files themselves are untouched by it.
    expect(new TextDecoder().decode(await source.tree.read('z'))).toBe('333');
  });

  it('a later entry of the same path replaces what was made of the earlier one; a throw keeps nothing', async () => {
    const source = await archiveSource(tar([{ name: 'f', data: bytesOf('old') }, { name: 'f', data: bytesOf('new!') }, { name: 'bad', data: bytesOf('x') }]), {
      prepareMember: (path, data) => {
        if (path === 'bad') throw new Error('cannot');
        return data.length;
      },
    });
    expect(source.tree.prepared('f')).toBe(4);
    expect(source.tree.prepared('bad')).toBeUndefined();
    expect(new TextDecoder().decode(await source.tree.read('bad'))).toBe('x');
  });
});

describe('the CIFAR import uses the batches unpickled while the archive inflated', () => {
  const BATCHES = ['data_batch_1', 'data_batch_2', 'test_batch'].map((b) => `cifar-10-batches-py/${b}`);

  it('unpickles batches only (not the meta file), and the import takes them', async () => {
    const archive = new Uint8Array(await readFile(new URL('cifar-10-python.tar.gz', ARCHIVES)));
    const prepare = cifarMemberPreparer(resolveLimits(undefined));
    const probe = await archiveSource(archive, { prepareMember: prepare });
    for (const path of BATCHES) expect(probe.tree.prepared(path), path).toBeDefined();
    expect(probe.tree.prepared('cifar-10-batches-py/batches.meta')).toBeUndefined();

    const source = await archiveSource(archive, { prepareMember: prepare });
    const used = importedItems(await importSource(source, 'cifar'));
    // Taken by the import: nothing left to hand over.
    for (const path of BATCHES) expect(source.tree.prepared(path), path).toBeUndefined();
    const plain = importedItems(await importSource(await archiveSource(archive), 'cifar'));
    const shown = (items: typeof used) => items.map((i) => [i.subset, i.id, (i.annotations[0] as Label).label, sha256(i.media!.data)]);
    expect(shown(used)).toEqual(shown(plain));
  });

  it('what was made is dropped once an import is done (CIFAR: the batches it did not read; another format: all)', async () => {
    const archive = new Uint8Array(await readFile(new URL('cifar-10-python.tar', ARCHIVES)));
    const files = await archiveSource(archive);
    const meta = await files.tree.read('cifar-10-batches-py/batches.meta');
    const batch = await files.tree.read('cifar-10-batches-py/data_batch_1');
    const withJunk = tar([
      { name: 'c/batches.meta', data: meta },
      { name: 'c/data_batch_1', data: batch },
      { name: 'junk/data_batch_1', data: batch },
    ]);
    const prepare = cifarMemberPreparer(resolveLimits(undefined));
    const cifar = await archiveSource(withJunk, { prepareMember: prepare });
    await importSource(cifar, 'cifar');
    expect(cifar.tree.prepared('junk/data_batch_1')).toBeUndefined();
    const other = await archiveSource(withJunk, { prepareMember: cifarMemberPreparer(resolveLimits(undefined)) });
    await importSource(other, 'imagenet').catch(() => null); // whatever the ImageNet import makes of it
    expect(other.tree.prepared('c/data_batch_1')).toBeUndefined();
    expect(other.tree.prepared('junk/data_batch_1')).toBeUndefined();
    // And without an import, both are there.
    const kept = await archiveSource(withJunk, { prepareMember: cifarMemberPreparer(resolveLimits(undefined)) });
    expect(kept.tree.prepared('junk/data_batch_1')).toBeDefined();
  });

  it.each(BACKENDS)('an archive import gives the folder import (%s backend)', async (backend) => {
    await withBackend(backend, async () => {
      const fromArchive = await Dataset.importFrom(new URL('cifar-10-python.tar.gz', ARCHIVES).pathname);
      const fromBytes = await Dataset.importFrom(new Uint8Array(await readFile(new URL('cifar-10-python.tar', ARCHIVES))));
      const shown = (ds: Dataset) => [...ds].map((i) => [i.subset, i.id, (i.annotations[0] as Label).label, sha256(i.media!.data)]);
      expect(shown(fromArchive)).toEqual(shown(fromBytes));
      expect(fromArchive.size).toBeGreaterThan(0);
    });
  });

  it('a batch that fails to unpickle is read again by the import, which reports it', async () => {
    const meta = (await archiveSource(new Uint8Array(await readFile(new URL('cifar-10-python.tar', ARCHIVES))))).tree;
    const metaBytes = await meta.read('cifar-10-batches-py/batches.meta');
    // A pickled dict that stops short: PICKLE_CORRUPT (truncated), from the import's own read.
    const broken = Uint8Array.of(0x80, 0x02, 0x7d, 0x71, 0x01, 0x28);
    const archive = gzipSync(tar([{ name: 'c/batches.meta', data: metaBytes }, { name: 'c/data_batch_1', data: broken }]));
    const err = await expectCifarkitError(() => Dataset.importFrom(archive), ErrorCode.PICKLE_TRUNCATED, ['data_batch_1']);
    const plain = await expectCifarkitError(async () => importSource(await archiveSource(archive), 'cifar'), ErrorCode.PICKLE_TRUNCATED);
    expect(err.message).toBe(plain.message);
  });

  it('a batch over the decode budget fails as it did before (the import reads it again)', async () => {
    // Protocol 2 as Python 3 writes it: the pixels are `_codecs.encode(str, 'latin1')`, which the read builds and charges.
    const names = Array.from({ length: 50 }, (_, i) => `item_${i}.png`);
    const data = new NdArray().init([names.length, 3072], new DType('u1'), false, noise(names.length * 3072, 3));
    const batch = new Map<PyWritable, PyWritable>([['filenames', names], ['labels', names.map((_, i) => i % 2)], ['data', data]]);
    const meta = writePickle(new Map<PyWritable, PyWritable>([['label_names', ['a', 'b']]]));
    const archive = gzipSync(tar([{ name: 'c/batches.meta', data: meta }, { name: 'c/data_batch_1', data: writePickle(batch, { protocol: 2 }) }]));
    // What inflating costs, and what the batch's read adds.
    const budget = new DecodeBudget(resolveLimits(undefined));
    const source = await archiveSource(archive, { budget });
    const inflated = budget.decoded;
    await importSource(source, 'cifar');
    const read = budget.decoded - inflated;
    expect(read).toBeGreaterThan(100);
    const limits = { maxDecodedBytes: inflated + Math.floor(read / 2), decodedBytesPerInputByte: 0 };
    const prepared = await expectCifarkitError(() => Dataset.importFrom(archive, 'cifar', { limits }), ErrorCode.IMPORT_TOO_LARGE, ['data_batch_1']);
    const plain = await expectCifarkitError(async () => importSource(await archiveSource(archive, { limits }), 'cifar'), ErrorCode.IMPORT_TOO_LARGE);
    expect(prepared.message).toBe(plain.message);
  });
});
