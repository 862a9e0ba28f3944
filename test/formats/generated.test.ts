/**
 * Every producer layout written by test/fixtures/generate.py (Python 2 cPickle, protocols 0-5,
 * numpy 1 and 2, Datumaro's exporter, ...), compared with what Python itself computed
 * (<case>.expected.json: labels, ids, sizes, sha256 of the HWC RGB pixels), on both backends,
 * from disk paths and from in-memory files. Bad inputs: code and message of each error.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { describeDataset, runCases } from '../runtimes/cases.mjs';
// @ts-expect-error plain JS helpers shared with the Deno and Chromium suites
import { GENERATED, loadCases } from '../runtimes/load-cases.mjs';
import { BACKENDS, expectCifarkitError, withBackend } from '../helpers.js';

interface Case {
  name: string;
  input: string;
  files: Record<string, Uint8Array>;
  expected?: { labels: unknown; subsets: unknown; items: unknown[] };
  error?: { code: string; mentions: string[] };
}
const cases: Case[] = await loadCases();
const good = cases.filter((c) => c.expected);
const bad = cases.filter((c) => c.error);
const root = GENERATED.pathname as string;

describe('fixture set', () => {
  it('has every producer layout and error case', () => {
    expect(good.length).toBeGreaterThanOrEqual(18);
    expect(bad.length).toBeGreaterThanOrEqual(12);
  });
});

describe.each(BACKENDS)('generated fixtures (%s backend)', (backend) => {
  it.each(good.map((c) => [c.name, c] as const))('%s from a path', async (_name, c) => {
    const ds = await withBackend(backend, () => api.Dataset.importFrom(join(root, c.input)));
    const { labels, subsets, items } = c.expected!;
    expect(await describeDataset(ds)).toEqual({ labels, subsets, items });
  });

  it.each(good.map((c) => [c.name, c] as const))('%s from in-memory files', async (_name, c) => {
    const [result] = await runCases(api, [c], [backend]);
    expect(result.detail).toBeNull();
  });

  it.each(bad.map((c) => [c.name, c] as const))('%s is refused with its code and message', async (_name, c) => {
    const err = await withBackend(backend, () =>
      expectCifarkitError(() => api.Dataset.importFrom(join(root, c.input)), c.error!.code, c.error!.mentions),
    );
    expect(err).toBeInstanceOf(api.CifarkitError);
  });
});
