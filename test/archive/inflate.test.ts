/**
 * Native inflate (node:zlib, DecompressionStream) and the fflate fallback: the shared checks of
 * runtime-cases.mjs (also run by the Deno and Chromium suites), and the fallback when the runtime
 * has no native inflater at all.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { installPlatform, platform } from '../../src/platform/index.js';

/** Stands for a runtime with or without node:zlib. */
const setRuntimeGunzip = (gunzip: typeof nodeGunzip | null) => installPlatform({ ...platform(), gunzip: gunzip ?? undefined });
import { nodeGunzip } from '../../src/io/node-zlib.js';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { describeDataset } from '../runtimes/cases.mjs';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { inflateChecks } from './runtime-cases.mjs';
import { expectCifarkitError } from '../helpers.js';

const ARCHIVES = new URL('../fixtures/archives/', import.meta.url);
const GENERATED = new URL('../fixtures/generated/', import.meta.url);
const manifest: { file: string; expected?: string }[] = JSON.parse(await readFile(new URL('manifest.json', ARCHIVES), 'utf8'));
const archives: Record<string, Uint8Array> = {};
for (const e of manifest) archives[e.file] = new Uint8Array(await readFile(new URL(e.file, ARCHIVES)));
const expected: Record<string, unknown> = {};
for (const name of ['py2-cifar10', 'py2-cifar100']) expected[name] = JSON.parse(await readFile(new URL(`${name}.expected.json`, GENERATED), 'utf8'));

afterEach(() => {
  setRuntimeGunzip(nodeGunzip);
  api.setInflater('auto');
});

describe('inflaters in Node', () => {
  it('node:zlib (default), DecompressionStream and fflate pass every shared check', async () => {
    const results: { name: string; ok: boolean; detail: string | null }[] = await inflateChecks(api, {
      archives,
      manifest,
      expected,
      describeDataset,
      inflaters: ['node-zlib', 'DecompressionStream', 'fflate'],
      // Node's DecompressionStream (a wrapper of node:zlib's Duplex) pulls its whole input as
      // fast as it comes: the limit still stops the import at 1 MB, but not the reading. Node
      // uses node:zlib itself by default, which the check holds to backpressure.
      readsAhead: ['DecompressionStream'],
    });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBe(2 + 3 * (2 * 2 + 1 + 7 + 2));
  }, 120_000);

  it('falls back to fflate without node:zlib and without DecompressionStream', async () => {
    const saved = globalThis.DecompressionStream;
    setRuntimeGunzip(null);
    // @ts-expect-error removed to stand for a runtime that lacks it
    delete globalThis.DecompressionStream;
    try {
      expect(api.getInflater()).toBe('fflate');
      await expectCifarkitError(() => Promise.resolve(api.setInflater('DecompressionStream')), 'BACKEND_UNAVAILABLE', ['DecompressionStream']);
      await expectCifarkitError(() => Promise.resolve(api.setInflater('node-zlib')), 'BACKEND_UNAVAILABLE', ['node-zlib']);
      const ds = await api.Dataset.importFrom(archives['cifar-10-python.tar.gz']!);
      const { labels, subsets, items } = expected['py2-cifar10'] as Record<string, unknown>;
      expect(await describeDataset(ds)).toEqual({ labels, subsets, items });
    } finally {
      globalThis.DecompressionStream = saved;
    }
    // Without node:zlib, DecompressionStream is next.
    expect(api.getInflater()).toBe('DecompressionStream');
  });

  it('a preference that went away falls back rather than failing', async () => {
    api.setInflater('node-zlib');
    setRuntimeGunzip(null);
    expect(api.getInflater()).toBe('DecompressionStream');
  });
});
