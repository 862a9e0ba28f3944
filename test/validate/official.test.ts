/**
 * validate's official-files line: md5s taken on import (only with `checksums: true`, only for
 * files with an official name, from the bytes as read, before the importer transposes them in
 * place), compared with torchvision's per-file list. The committed original batches.meta
 * (test/fixtures/original) is the one real official file here; the rest differ on purpose.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, describeOfficialFiles, OFFICIAL_FILE_MD5, validateDataset } from '../../src/index.js';
import { officialFilesCheck } from '../../src/validate/official.js';
import { BACKENDS, withBackend } from '../helpers.js';

const ORIGINAL = join(import.meta.dirname, '../fixtures/original/cifar-10-batches-py');
const BINARY = join(import.meta.dirname, '../fixtures/binary');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const OTHERS_10 = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];

describe('the official md5 list is torchvision’s', () => {
  it('has the 7 CIFAR-10 and 3 CIFAR-100 files; the committed original batches.meta matches its entry', () => {
    expect(OFFICIAL_FILE_MD5['cifar-10']).toEqual({
      data_batch_1: 'c99cafc152244af753f735de768cd75f',
      data_batch_2: 'd4bba439e000b95fd0a9bffe97cbabec',
      data_batch_3: '54ebc095f3ab1f0389bbae665268c751',
      data_batch_4: '634d18415352ddfa80567beed471001a',
      data_batch_5: '482c414d41f54cd18b22e5b47cb7c3cb',
      test_batch: '40351d587109b95175f43aff81a1287e',
      'batches.meta': '5ff9c542aee3614f3951f8cda6e48888',
    });
    expect(OFFICIAL_FILE_MD5['cifar-100']).toEqual({ train: '16019d7e3df5f24257cddd939b257f8d', test: 'f0ef6b0ae62326f3e7ffdfab6717acfc', meta: '7973b15100ade9c7d40fb424638fde48' });
    expect(md5(readFileSync(join(ORIGINAL, 'batches.meta')))).toBe('5ff9c542aee3614f3951f8cda6e48888');
  });
});

describe('validate: official files', () => {
  it('the original batches.meta alone: untouched, the batches not read', async () => {
    const ds = await Dataset.importFrom(ORIGINAL, undefined, { checksums: true });
    expect(ds.fileChecksums).toEqual([{ file: join(ORIGINAL, 'batches.meta'), name: 'batches.meta', bytes: 158, md5: '5ff9c542aee3614f3951f8cda6e48888' }]);
    const check = ds.validate().summary.officialFiles;
    expect(check).toEqual({
      verdict: 'incomplete',
      dataset: 'cifar-10',
      files: [{ file: join(ORIGINAL, 'batches.meta'), name: 'batches.meta', md5: '5ff9c542aee3614f3951f8cda6e48888', expected: '5ff9c542aee3614f3951f8cda6e48888', match: true }],
      missing: OTHERS_10,
    });
    expect(describeOfficialFiles(check)).toBe(`1 of 7 official CIFAR-10 files read, all untouched; not read: ${OTHERS_10.join(', ')}`);
  });

  it('one changed byte in batches.meta (still a valid pickle): modified', async () => {
    const bytes = new Uint8Array(readFileSync(join(ORIGINAL, 'batches.meta')));
    const at = Buffer.from(bytes).indexOf('airplane');
    bytes[at + 7] = 'f'.charCodeAt(0); // airplanf
    const ds = await Dataset.importFrom({ 'cifar-10-batches-py/batches.meta': bytes }, 'cifar', { checksums: true });
    expect(ds.labels.items[0]!.name).toBe('airplanf');
    const check = ds.validate().summary.officialFiles;
    expect(check.verdict).toBe('modified');
    expect(check.files).toEqual([{ file: 'cifar-10-batches-py/batches.meta', name: 'batches.meta', md5: md5(bytes), expected: '5ff9c542aee3614f3951f8cda6e48888', match: false }]);
    expect(describeOfficialFiles(check)).toBe('not the official CIFAR-10: batches.meta differs from the official md5 (0 of 7 match)');
  });

  for (const backend of BACKENDS) {
    it(`${backend}: the md5 is of the file's bytes, though the importer transposes them in place`, async () => {
      // A Python-version batch on disk: read into our own buffer and turned to HWC in place.
      const dir = mkdtempSync(join(tmpdir(), 'cifarkit-official-'));
      cpSync(join(BINARY, 'python/cifar-10-batches-py'), dir, { recursive: true });
      writeFileSync(join(dir, 'batches.meta'), readFileSync(join(ORIGINAL, 'batches.meta')));
      const ds = await withBackend(backend, () => Dataset.importFrom(dir, undefined, { checksums: true }));
      const check = ds.validate({ duplicates: false }).summary.officialFiles;
      expect(check.files.map((f) => [f.name, f.md5, f.match])).toEqual([
        ['batches.meta', '5ff9c542aee3614f3951f8cda6e48888', true],
        ['data_batch_1', md5(readFileSync(join(dir, 'data_batch_1'))), false],
        ['data_batch_2', md5(readFileSync(join(dir, 'data_batch_2'))), false],
        ['test_batch', md5(readFileSync(join(dir, 'test_batch'))), false],
      ]);
      expect(check.verdict).toBe('modified');
      expect(check.missing).toEqual(['data_batch_3', 'data_batch_4', 'data_batch_5']);
      expect(describeOfficialFiles(check)).toBe('not the official CIFAR-10: data_batch_1, data_batch_2, test_batch differ from the official md5 (1 of 7 match)');
    });
  }

  it('the Python 2 layout (the pixel block is a view of the read buffer, transposed in place): md5s of the files on disk', async () => {
    const dir = join(import.meta.dirname, '../fixtures/generated/py2-cifar10');
    const ds = await Dataset.importFrom(dir, undefined, { checksums: true });
    expect(ds.fileChecksums!.length).toBeGreaterThan(1);
    for (const c of ds.fileChecksums!) expect(c.md5, c.name).toBe(md5(readFileSync(join(dir, 'cifar-10-batches-py', c.name))));
  });

  it('members of an archive are checked as well (CIFAR-100 names)', async () => {
    const ds = await Dataset.importFrom(join(import.meta.dirname, '../fixtures/archives/cifar-100-python.tar.gz'), undefined, { checksums: true });
    const check = ds.validate({ duplicates: false }).summary.officialFiles;
    expect(check.dataset).toBe('cifar-100');
    expect(check.files.map((f) => f.name).sort()).toEqual(['meta', 'test', 'train']);
    expect(check.files.every((f) => f.file.includes('cifar-100-python.tar.gz') && !f.match)).toBe(true);
    expect(check.verdict).toBe('modified');
  });

  it('without checksums: not checked; the binary version: no official names; a filtered dataset: not checked', async () => {
    const plain = await Dataset.importFrom(ORIGINAL);
    expect(plain.fileChecksums).toBeNull();
    expect(plain.validate().summary.officialFiles).toEqual({ verdict: 'not-checked', dataset: null, files: [], missing: [] });
    expect(describeOfficialFiles(plain.validate().summary.officialFiles)).toBe('not checked (no checksums were taken on import)');
    const bin = await Dataset.importFrom(join(BINARY, 'cifar10'), undefined, { checksums: true });
    expect(bin.fileChecksums).toEqual([]);
    expect(bin.validate({ duplicates: false }).summary.officialFiles.verdict).toBe('not-official');
    const filtered = (await Dataset.importFrom(ORIGINAL, undefined, { checksums: true })).filter(() => true);
    expect(filtered.validate().summary.officialFiles.verdict).toBe('not-checked');
    await expect(Dataset.importFrom(ORIGINAL, undefined, { checksums: 'yes' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('every official file read and matching: the untouched official dataset', () => {
    for (const dataset of ['cifar-10', 'cifar-100'] as const) {
      const records = Object.entries(OFFICIAL_FILE_MD5[dataset]).map(([name, sum]) => ({ file: `x/${name}`, name, bytes: 1, md5: sum }));
      const check = officialFilesCheck(records);
      expect(check.verdict).toBe('official');
      expect(check.dataset).toBe(dataset);
      expect(check.missing).toEqual([]);
      expect(describeOfficialFiles(check)).toBe(`the untouched official ${dataset === 'cifar-10' ? 'CIFAR-10' : 'CIFAR-100'} (${records.length} of ${records.length} files match torchvision's md5 list)`);
    }
    // validateDataset takes the checksums as its third argument (Dataset.validate passes its own).
    const ds = Dataset.fromIterable([]);
    expect(validateDataset(ds, {}, [{ file: 'meta', name: 'meta', bytes: 1, md5: OFFICIAL_FILE_MD5['cifar-100'].meta! }]).summary.officialFiles.verdict).toBe('incomplete');
  });
});
