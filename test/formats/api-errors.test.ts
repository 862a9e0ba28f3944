import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { bytes, expectCifarkitError } from '../helpers.js';

const CIFAR10 = join(import.meta.dirname, '../fixtures/datumaro/cifar10_dataset');
const meta = new Uint8Array(readFileSync(join(CIFAR10, 'batches.meta')));
const batch = new Uint8Array(readFileSync(join(CIFAR10, 'data_batch_1')));

describe('importFrom refuses bad arguments and non-datasets clearly', () => {
  it('a path that does not exist', async () => {
    await expectCifarkitError(() => Dataset.importFrom('/no/such/cifar'), 'FILE_NOT_FOUND', ['/no/such/cifar', 'no such file']);
    await expectCifarkitError(() => Dataset.importFrom('/no/such/cifar', 'cifar'), 'FILE_NOT_FOUND', ['/no/such/cifar']);
  });

  it('an unknown format name', async () => {
    await expectCifarkitError(() => Dataset.importFrom(CIFAR10, 'kitti' as never), 'FORMAT_UNKNOWN', ["'kitti'", 'cifar']);
  });

  it('an input that is neither a path nor files', async () => {
    await expectCifarkitError(() => Dataset.importFrom(42 as never), 'INVALID_ARGUMENT', ['path']);
    await expectCifarkitError(() => Dataset.importFrom({ 'a.bin': 'text' as never }), 'INVALID_ARGUMENT', ["'a.bin'"]);
    await expectCifarkitError(() => Dataset.importFrom({ '../escape': meta }), 'UNSAFE_PATH', ["'../escape' climbs out of the files given"]);
  });

  it('files that are no dataset', async () => {
    await expectCifarkitError(() => Dataset.importFrom({ 'notes/hello.txt': bytes('hi') }), 'FORMAT_NOT_DETECTED', ['cifar']);
    await expectCifarkitError(() => Dataset.importFrom({ 'notes/hello.txt': bytes('hi') }, 'cifar'), 'FORMAT_NOT_DETECTED', ['batches.meta']);
  });

  it('two datasets where one was expected', async () => {
    const files = { 'a/batches.meta': meta, 'a/data_batch_1': batch, 'b/c/batches.meta': meta };
    await expectCifarkitError(() => Dataset.importFrom(files), 'AMBIGUOUS_ROOT', ['2 CIFAR datasets', 'a', 'b/c']);
  });

  it('a meta file without label names, and a broken dataset_meta.json', async () => {
    await expectCifarkitError(() => Dataset.importFrom({ 'batches.meta': bytes('\x80\x02}.') }), 'CIFAR_INVALID_BATCH', ['batches.meta', 'label_names']);
    await expectCifarkitError(
      () => Dataset.importFrom({ 'batches.meta': meta, 'dataset_meta.json': bytes('{"labels": [1, 2]}') }),
      'DATASET_META_INVALID',
      ['dataset_meta.json'],
    );
    await expectCifarkitError(
      () => Dataset.importFrom({ 'batches.meta': meta, 'dataset_meta.json': bytes('{"label_map": {"0": "a", "2": 7}}') }),
      'DATASET_META_INVALID',
      ['dataset_meta.json', 'label_map'],
    );
  });

  it("dataset_meta.json by Datumaro's rule (parse_meta_file), as for every other format", async () => {
    const labelsOf = async (json: string) => (await Dataset.importFrom({ 'batches.meta': meta, 'dataset_meta.json': bytes(json) })).labels.items.map((l) => l.name);
    // `labels` first, then the values of `label_map` in file order, each name once; the keys are not indices.
    expect(await labelsOf('{"labels": ["a"], "label_map": {"0": "b"}}')).toEqual(['a', 'b']);
    expect(await labelsOf('{"label_map": {"1": "b", "0": "a"}}')).toEqual(['b', 'a']);
    expect(await labelsOf('{"label_map": {"0": "a", "2": "b"}}')).toEqual(['a', 'b']);
    expect(await labelsOf('{"labels": ["a", "b"], "label_map": {"0": "a"}}')).toEqual(['a', 'b']);
    // Brackets, quotes and escapes inside strings, nested values and a key given twice do not confuse the order.
    expect(await labelsOf(String.raw`{"x": {"label_map": {"9": "no"}}, "labels": ["q{\"[", "z"], "label_map": {"2": "c", "k\"}": "d", "0": "a", "2": "e"}}`)).toEqual(['q{"[', 'z', 'e', 'd', 'a']);
    expect(await labelsOf('{"label_map": {}, "labels": ["only"]}')).toEqual(['only']);
  });
});

describe('layout rules', () => {
  it('ignores dotfiles, files with an extension and folders beside the subsets', async () => {
    const ds = await Dataset.importFrom({
      'batches.meta': meta,
      data_batch_1: batch,
      '.DS_Store': bytes('junk'),
      'readme.html': bytes('<html>'),
      'file.txt~': bytes('junk'),
      'extra/data_batch_9': bytes('junk'),
    });
    expect(ds.subsets()).toEqual(['data_batch_1']);
    expect(ds.size).toBe(1);
  });

  it('finds the dataset three levels down but not four', async () => {
    const at = (prefix: string) => ({ [`${prefix}batches.meta`]: meta, [`${prefix}data_batch_1`]: batch });
    expect((await Dataset.importFrom(at('x/y/z/'))).size).toBe(1);
    await expectCifarkitError(() => Dataset.importFrom(at('w/x/y/z/')), 'FORMAT_NOT_DETECTED');
  });
});
