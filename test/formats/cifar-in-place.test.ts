/**
 * The import's one-read, one-transpose path (issue 6): a batch file on disk is read into a buffer
 * the importer owns, and its pixel block is transposed in place into the subset's HWC buffer.
 * In-memory files are the caller's bytes and must never be written to.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { openPath } from '../../src/io/node-fs.js';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { GENERATED, filesAt } from '../runtimes/load-cases.mjs';
import { BACKENDS, sha256, withBackend } from '../helpers.js';

const root = GENERATED.pathname as string;
const PY2 = join(root, 'py2-cifar10', 'cifar-10-batches-py');
const expected = JSON.parse(await readFile(join(root, 'py2-cifar10.expected.json'), 'utf8')) as {
  items: { id: string; subset: string; sha256?: string; label?: number }[];
};

describe.each(BACKENDS)('in-place import (%s backend)', (backend) => {
  it('gives items that are views of the batch file buffer, with the right pixels', async () => {
    const ds = await withBackend(backend, () => api.Dataset.importFrom(PY2));
    const batch = await readFile(join(PY2, 'data_batch_1'));
    const items = [...ds].filter((item) => item.subset === 'data_batch_1');
    expect(items.length).toBeGreaterThan(1);
    const buffer = items[0]!.media!.data.buffer;
    // The subset's HWC buffer is the file's own buffer: nothing but the file was allocated.
    expect(buffer.byteLength).toBe(batch.length);
    for (const item of items) expect(item.media!.data.buffer).toBe(buffer);
    // Consecutive items are consecutive HWC images in it.
    expect(items[1]!.media!.data.byteOffset - items[0]!.media!.data.byteOffset).toBe(items[0]!.media!.data.length);
    const shas = new Map(expected.items.map((e) => [`${e.subset}/${e.id}`, e]));
    for (const item of ds) {
      const e = shas.get(`${item.subset}/${item.id}`)!;
      expect(e, item.id).toBeDefined();
      expect(sha256(item.media!.data)).toBe(e.sha256);
    }
  });

  it('never writes to in-memory files', async () => {
    const files = (await filesAt(PY2)) as Record<string, Uint8Array>;
    const before = new Map(Object.entries(files).map(([p, b]) => [p, b.slice()]));
    const ds = await withBackend(backend, () => api.Dataset.importFrom(files));
    expect(ds.size).toBe(expected.items.length);
    for (const [p, b] of Object.entries(files)) expect(b, p).toEqual(before.get(p));
    // The items' pixels live in a buffer of their own, not in the caller's bytes.
    const first = [...ds][0]!.media!.data.buffer;
    for (const b of Object.values(files)) expect(first).not.toBe(b.buffer);
  });
});

describe('FileTree.read with a buffer to read into (disk trees)', () => {
  it('fills the given buffer and returns the view of the file bytes', async () => {
    const { tree } = await openPath(PY2);
    const path = 'data_batch_1';
    const want = new Uint8Array(await readFile(join(PY2, 'data_batch_1')));
    const given = new Uint8Array(want.length + 100).fill(7);
    let asked = -1;
    const got = await tree.read(path, {
      into: (size) => {
        asked = size;
        return given;
      },
    });
    expect(asked).toBe(want.length);
    expect(got.buffer).toBe(given.buffer);
    expect(got.byteOffset).toBe(0);
    expect(got).toEqual(want);
    expect(given[want.length]).toBe(7);
  });

  it('refuses a buffer smaller than the file with a message naming the file', async () => {
    const { tree } = await openPath(PY2);
    await expect(tree.read('data_batch_1', { into: (size) => new Uint8Array(size - 1) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('data_batch_1'),
    });
  });
});
