/**
 * Issue 14, the findings that are not about memory: each rebuilt with an input of its own, each
 * ending in a correct, bounded result or a coded error (never a raw RangeError), checked by
 * construction (counted comparisons), never by time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveSource } from '../../src/archive/index.js';
import { Dataset, DatasetItem, Image, Label, validateDataset } from '../../src/index.js';
import { parseDatasetMeta } from '../../src/formats/common.js';
import { checkCifarMember } from '../../src/formats/cifar/layout.js';
import { exactComparisons, exactRuns } from '../../src/validate/duplicates.js';
import { expectCifarkitError } from '../helpers.js';
import { tar, tarHeader } from '../archive/tar-writer.js';

const ROOT = join(import.meta.dirname, '../..');

describe('finding 7: the exact-duplicate grouping cannot be made quadratic', () => {
  it('4,096 distinct images that all share one content hash take O(n log n) byte comparisons, and are told apart', () => {
    // The content hash has a fixed seed, so such a multi-collision can be made offline; grouping
    // by sort does not care: every image lands in one group and is still sorted, not paired.
    const n = 4096;
    const datas = Array.from({ length: n }, (_, i) => Uint8Array.of(i >> 8, i & 0xff, 7, 7, i % 3 === 0 ? 1 : 0));
    datas.push(datas[5]!.slice(), datas[77]!.slice()); // two exact copies
    const group = datas.map((_, j) => j);
    const exactClass = new Int32Array(datas.length).fill(-1);
    exactComparisons.count = 0;
    const classes = exactRuns(group, (j) => datas[j]!, exactClass, 0);
    expect(classes).toBe(2);
    expect(exactClass[n]).toBe(exactClass[5]);
    expect(exactClass[n + 1]).toBe(exactClass[77]);
    expect(exactClass[5]).not.toBe(exactClass[77]);
    expect([...exactClass].filter((c) => c >= 0)).toHaveLength(4);
    // A sort and one pass: far below the n^2 / 2 = 8.4M of pairwise comparison.
    const m = datas.length;
    expect(exactComparisons.count).toBeLessThan(2 * m * Math.log2(m) + m);
  });

  it('validate still finds exact duplicates across subsets', () => {
    const img = (v: number) => Image.fromHWC(new Uint8Array(12).fill(v), 2, 2);
    const ds = Dataset.fromIterable(
      [new DatasetItem({ id: 'a', subset: 'train', media: img(1) }), new DatasetItem({ id: 'b', subset: 'test', media: img(1) }), new DatasetItem({ id: 'c', subset: 'test', media: img(2) })],
      { labels: [] },
    );
    const exact = validateDataset(ds).duplicates.filter((d) => d.exact);
    expect(exact.map((d) => `${d.a.id}-${d.b.id}`)).toEqual(['a-b']);
  });
});

describe('finding 8: a 130,000-item dataset without media validates (no spread into a call)', () => {
  it('every item unlabelled and without an image: counts and anomalies, no RangeError', () => {
    const n = 130_000;
    const items = Array.from({ length: n }, (_, i) => new DatasetItem({ id: String(i), subset: i % 2 ? 'train' : 'test', annotations: i < 10 ? [new Label(0)] : [] }));
    const labels = Array.from({ length: 130_000 }, (_, i) => `l${i}`);
    const report = validateDataset(Dataset.fromIterable(items, { labels }));
    expect(report.summary.subsets).toEqual({ test: 65_000, train: 65_000 });
    expect(report.labels.filter((a) => a.type === 'MissingAnnotation')).toHaveLength(n - 10);
    expect(report.labels.filter((a) => a.type === 'MissingImage')).toHaveLength(n);
    expect(report.labels.filter((a) => a.type === 'LabelDefinedButNotFound')).toHaveLength(130_000 - 1);
  });
});

describe('finding 6, in small: an archive batch that cannot be a pickle', () => {
  it('is refused when read (PICKLE_CORRUPT), its bytes not kept; a later entry of the same path still replaces it', async () => {
    const junk = new Uint8Array(100_000).fill(0);
    await expectCifarkitError(() => Dataset.importFrom(tar([{ name: 'b/batches.meta', data: junk }, { name: 'b/data_batch_1', data: junk }])), 'PICKLE_CORRUPT', [
      'b/batches.meta',
      'cannot begin a pickled dict',
    ]);
    const twice = tar([{ name: 'data_batch_1', data: junk }, { name: 'data_batch_1', data: Uint8Array.of(0x80, 2, 0x7d, 0x2e) }]);
    const source = await archiveSource(twice, { checkMember: checkCifarMember });
    expect(await source.tree.read('data_batch_1')).toEqual(Uint8Array.of(0x80, 2, 0x7d, 0x2e));
    const once = await archiveSource(tar([{ name: 'x/test_batch', data: junk }]), { checkMember: checkCifarMember });
    expect(await once.tree.kind('x/test_batch')).toBe('file');
    await expectCifarkitError(() => once.tree.read('x/test_batch'), 'PICKLE_CORRUPT', ['<archive>/x/test_batch', '(00 00 00 00)']);
  });
});

describe('finding 9', () => {
  it("a subset named '__proto__' is in validate's summary like any other", () => {
    const ds = Dataset.fromIterable([new DatasetItem({ id: 'a', subset: '__proto__' }), new DatasetItem({ id: 'b', subset: 'constructor' })], { labels: [] });
    const { subsets } = validateDataset(ds).summary;
    expect(Object.keys(subsets)).toEqual(['__proto__', 'constructor']);
    expect(subsets['__proto__']).toBe(1);
    expect(JSON.parse(JSON.stringify(subsets))).toEqual(JSON.parse('{"__proto__": 1, "constructor": 1}'));
  });

  it('an archive path 12,000 folders deep is read (folders built in a loop), and the import ends in a coded error', async () => {
    const deep = `${'d/'.repeat(12_000)}x`;
    // A GNU long name ('L' entry) carries the path.
    const name = new TextEncoder().encode(`${deep}\0`);
    const archive = tar([{ name: '././@LongLink', type: 'L', data: name }, { name: 'x', data: Uint8Array.of(1, 2, 3) }]);
    const source = await archiveSource(archive);
    expect(await source.tree.kind(deep)).toBe('file');
    expect(await source.tree.kind('d/d/d')).toBe('dir');
    await expectCifarkitError(() => Dataset.importFrom(tar([{ name: '././@LongLink', type: 'L', data: name }, { name: 'x', data: Uint8Array.of(1) }])), 'FORMAT_NOT_DETECTED', []);
    void tarHeader;
  });

  it('160,000 label names (with repeats) in dataset_meta.json are de-duplicated in order, through a Set', () => {
    const names = Array.from({ length: 160_000 }, (_, i) => `n${i % 150_000}`);
    const bytes = new TextEncoder().encode(JSON.stringify({ labels: names }));
    const out = parseDatasetMeta(bytes, 'dataset_meta.json');
    expect(out).toHaveLength(150_000);
    expect(out[0]).toBe('n0');
    expect(out[149_999]).toBe('n149999');
  });

  it('XPath number(): a long run of blanks is read in one pass (libxml2: blanks around a number are skipped)', () => {
    const blanks = ' '.repeat(200_000);
    const ds = Dataset.fromIterable(
      [new DatasetItem({ id: `${blanks}1${blanks}` }), new DatasetItem({ id: `${blanks}1${blanks}x` }), new DatasetItem({ id: '\t\n 2 ' })],
      { labels: [] },
    );
    expect(ds.filter('/item[number(id) = 1]').size).toBe(1);
    expect(ds.filter('/item[number(id) = 2]').size).toBe(1);
    expect(ds.filter('/item[string(number(id)) = "NaN"]').size).toBe(1);
  });

  it('--workers beyond the cap is bad usage (exit 2) and writes nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cifarkit-workers-')), 'out');
    const src = join(ROOT, 'test/fixtures/generated/py2-cifar10');
    for (const w of ['100000', '257', '0']) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/cifarkit.mjs'), 'convert', '-if', 'cifar', '-i', src, '-f', 'imagenet', '-o', out, '--workers', w], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain('--workers needs an integer from 1 to 256');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('the library refuses workers beyond the cap with INVALID_ARGUMENT', async () => {
    const ds = Dataset.fromIterable([], { labels: [] });
    await expectCifarkitError(() => ds.exportToFiles('cifar', { workers: 100_000 }), 'INVALID_ARGUMENT', ['workers must be an integer from 1 to 256']);
  });
});
