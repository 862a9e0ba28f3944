import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Dataset, Image } from '../../src/index.js';
import { luma } from '../../src/formats/mnist/layout.js';
import { BACKENDS, expectCifarkitError, sha256, withBackend } from '../helpers.js';
import { decodeText, describeItems, item, labelNames, noise, randomImage, sortedPaths, text, withTempDir } from './image-datasets.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/mnist');
const CASES = readdirSync(FIXTURES)
  .filter((n) => n.endsWith('.expected.json'))
  .map((n) => n.slice(0, -'.expected.json'.length))
  .sort();

interface Expected {
  input: string;
  labels: string[];
  subsets: string[];
  items: { subset: string; id: string; label: number | null; h: number | null; w: number | null; sha256: string | null }[];
}

function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;
}

/** The dataset as expected.json describes it. */
function describe_(ds: Dataset): Omit<Expected, 'input'> {
  return {
    labels: ds.labels.items.map((l) => l.name),
    subsets: ds.subsets(),
    items: [...ds].map((i) => ({
      subset: i.subset,
      id: i.id,
      label: i.annotations.length ? i.annotations[0]!.label : null,
      h: i.media ? i.media.height : null,
      w: i.media ? i.media.width : null,
      sha256: i.media ? sha256(i.media.data) : null,
    })),
  };
}

/** All files of a fixture folder as in-memory files. */
function filesOf(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else out[path] = new Uint8Array(readFileSync(join(dir, path)));
    }
  };
  walk('');
  return out;
}

function be32(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(4 * i, v));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe.each(BACKENDS)('mnist: the files Python wrote (%s backend)', (backend) => {
  it.each(CASES)('%s', async (name) => {
    await withBackend(backend, async () => {
      const expected = expectedOf(name);
      const fromPath = await Dataset.importFrom(join(FIXTURES, expected.input));
      expect(fromPath.format).toBe('mnist');
      const { input: _input, ...rest } = expected;
      expect(describe_(fromPath)).toEqual(rest);
      for (const i of fromPath) if (i.media) expect(i.media.channels).toBe(1);
      const fromMemory = await Dataset.importFrom(filesOf(join(FIXTURES, expected.input)));
      expect(describe_(fromMemory)).toEqual(rest);
    });
  });
});

describe('mnist: writing what Python reads', () => {
  it('re-exporting the original files gives the same idx bytes, plain and gzipped', async () => {
    const ds = await Dataset.importFrom(join(FIXTURES, 'original-plain'));
    const plain = await ds.exportToFiles('mnist', { compress: false });
    const names = ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte'];
    expect(sortedPaths(plain)).toEqual(['labels.txt', ...names]);
    for (const n of names) expect(sha256(plain.get(n)!), n).toBe(sha256(readFileSync(join(FIXTURES, 'original-plain', n))));
    expect(decodeText(plain.get('labels.txt'))).toBe('0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n');

    const gz = await ds.exportToFiles('mnist');
    expect(sortedPaths(gz)).toEqual(['labels.txt', ...names.map((n) => `${n}.gz`)]);
    for (const n of names) expect(sha256(gunzipSync(gz.get(`${n}.gz`)!)), n).toBe(sha256(readFileSync(join(FIXTURES, 'original-plain', n))));
  });
});

describe.each(BACKENDS)('mnist: round trips (%s backend)', (backend) => {
  it('gray images, labels, unlabelled items, odd ids and sizes, several subsets', async () => {
    await withBackend(backend, async () => {
      const ds = Dataset.fromIterable(
        [
          item('0', [3], randomImage(28, 28, 1, { channels: 1 }), 'train'),
          item('1', [], randomImage(28, 28, 2, { channels: 1 }), 'train'),
          item('кириллица с пробелом', [1], randomImage(5, 7, 3, { channels: 1 }), 'test'),
          item('a/b/c', [2], randomImage(5, 7, 4, { channels: 1 }), 'test'),
          item('x', [0], randomImage(1, 1, 5, { channels: 1 }), 'val'),
        ],
        { labels: ['zero', 'one', 'two', 'three'] },
      );
      const files = await ds.exportToFiles('mnist');
      expect(sortedPaths(files)).toEqual([
        'labels.txt',
        't10k-images-idx3-ubyte.gz',
        't10k-labels-idx1-ubyte.gz',
        'test-meta.gz',
        'train-images-idx3-ubyte.gz',
        'train-labels-idx1-ubyte.gz',
        'val-images-idx3-ubyte.gz',
        'val-labels-idx1-ubyte.gz',
        'val-meta.gz',
      ]);
      // The standard header: count of images, rows, cols.
      expect([...gunzipSync(files.get('t10k-images-idx3-ubyte.gz')!).subarray(0, 16)]).toEqual([...be32(0x803, 2, 5, 7)]);
      expect([...gunzipSync(files.get('train-labels-idx1-ubyte.gz')!)]).toEqual([...be32(0x801, 2), 3, 255]);

      const back = await Dataset.importFrom(files);
      expect(back.format).toBe('mnist');
      expect(back.subsets()).toEqual(['test', 'train', 'val']);
      expect(labelNames(back).map((l) => l.name)).toEqual(['zero', 'one', 'two', 'three']);
      expect(describeItems(back)).toEqual(describeItems(ds));
    });
  });

  it(`RGB becomes gray by ITU-R BT.601 luma, Y = round(0.299 R + 0.587 G + 0.114 B)`, async () => {
    await withBackend(backend, async () => {
      const rgb = randomImage(3, 4, 9);
      const px = [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 255],
        [10, 20, 30],
        [1, 1, 1],
      ];
      const edges = new Image(Uint8Array.from(px.flat()), 2, 3, 3);
      const ds = Dataset.fromIterable([item('0', [0], rgb), item('1', [0], randomImage(3, 4, 10))], { labels: ['a'] });
      const back = await Dataset.importFrom(await ds.exportToFiles('mnist'));
      const gray = back.get('0', 'default')!.media!;
      expect(gray.channels).toBe(1);
      const d = rgb.data;
      const want = Array.from({ length: 12 }, (_, i) => Math.round(0.299 * d[3 * i]! + 0.587 * d[3 * i + 1]! + 0.114 * d[3 * i + 2]!));
      expect([...gray.data]).toEqual(want);
      const e = await Dataset.importFrom(await Dataset.fromIterable([item('0', [0], edges)], { labels: ['a'] }).exportToFiles('mnist'));
      // 0.299*255 = 76.245, 0.587*255 = 149.685, 0.114*255 = 29.07, 255, 0.299*10+0.587*20+0.114*30 = 18.15, 1
      expect([...e.get('0')!.media!.data]).toEqual([76, 150, 29, 255, 18, 1]);
      expect(luma(1, 0, 1)).toBe(0); // 0.413 rounds down
      expect(luma(2, 1, 0)).toBe(1); // 1.185
      expect(luma(0, 0, 5)).toBe(1); // 0.57: half-up rounding of the exact value
    });
  });
});

describe('mnist: Datumaro rules', () => {
  it('ids that are the indices and 28x28 images write no meta file; other ids do', async () => {
    const plain = Dataset.fromIterable([item('0', [1], randomImage(28, 28, 1, { channels: 1 })), item('1', [2], randomImage(28, 28, 2, { channels: 1 }))], {
      labels: ['a', 'b', 'c'],
    });
    expect(sortedPaths(await plain.exportToFiles('mnist'))).toEqual(['default-images-idx3-ubyte.gz', 'default-labels-idx1-ubyte.gz', 'labels.txt']);
    const renamed = Dataset.fromIterable([item('first', [1], randomImage(28, 28, 1, { channels: 1 }))], { labels: ['a', 'b'] });
    const files = await renamed.exportToFiles('mnist');
    const meta = gunzipSync(files.get('default-meta.gz')!);
    // numpy '<U32': 32 UTF-32LE code units per string.
    expect(meta.length).toBe(128);
    expect(new TextDecoder('utf-16le').decode(meta.filter((_, i) => i % 4 < 2)).replace(/\0+$/, '')).toBe('first');
  });

  it('saveMedia: false writes labels (and ids), no images; saveDatasetMeta adds dataset_meta.json', async () => {
    const ds = Dataset.fromIterable([item('a', [1], randomImage(2, 2, 1)), item('b', [], null)], { labels: ['x', 'y'] });
    const files = await ds.exportToFiles('mnist', { saveMedia: false, saveDatasetMeta: true });
    expect(sortedPaths(files)).toEqual(['dataset_meta.json', 'default-labels-idx1-ubyte.gz', 'default-meta.gz', 'labels.txt']);
    expect(JSON.parse(decodeText(files.get('dataset_meta.json')))).toEqual({ labels: ['x', 'y'] });
    const back = await Dataset.importFrom(files);
    expect(describeItems(back)).toEqual([
      { subset: 'default', id: 'a', labels: [1], size: null, sha256: null },
      { subset: 'default', id: 'b', labels: [], size: null, sha256: null },
    ]);
  });

  it('label names: dataset_meta.json over labels.txt over 0..9', async () => {
    const base = filesOf(join(FIXTURES, 'original-gz'));
    expect((await Dataset.importFrom(base)).labels.items.map((l) => l.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const withTxt = { ...base, 'labels.txt': text(`${names.join('\n')}\n\n`) };
    expect((await Dataset.importFrom(withTxt)).labels.items.map((l) => l.name)).toEqual(names);
    const meta = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const withMeta = { ...withTxt, 'dataset_meta.json': text(JSON.stringify({ labels: meta })) };
    expect((await Dataset.importFrom(withMeta)).labels.items.map((l) => l.name)).toEqual(meta);
  });

  it('compress: false writes plain files that read back the same', async () => {
    const ds = Dataset.fromIterable([item('0', [0], randomImage(2, 3, 1, { channels: 1 }))], { labels: ['a'] });
    const files = await ds.exportToFiles('mnist', { compress: false });
    expect(sortedPaths(files)).toEqual(['default-images-idx3-ubyte', 'default-labels-idx1-ubyte', 'default-meta.gz', 'labels.txt']);
    expect(describeItems(await Dataset.importFrom(files))).toEqual(describeItems(ds));
  });
});

describe('mnist: export refusals', () => {
  it('images of different sizes in one subset', async () => {
    const ds = Dataset.fromIterable([item('0', [0], randomImage(2, 2, 1)), item('1', [0], randomImage(3, 2, 2))], { labels: ['a'] });
    await expectCifarkitError(() => ds.exportToFiles('mnist'), 'EXPORT_UNSUPPORTED', ["item '1'", '3x2', "item '0'", '2x2', 'one size']);
  });

  it('some items with an image and some without', async () => {
    const ds = Dataset.fromIterable([item('0', [0], randomImage(2, 2, 1)), item('1', [0], null)], { labels: ['a'] });
    await expectCifarkitError(() => ds.exportToFiles('mnist'), 'EXPORT_UNSUPPORTED', ["item '1'", 'no image']);
  });

  it('a label index that does not fit a byte, an id too long for the meta file', async () => {
    const many = Array.from({ length: 300 }, (_, i) => `l${i}`);
    const ds = Dataset.fromIterable([item('0', [255], randomImage(1, 1, 1))], { labels: many });
    await expectCifarkitError(() => ds.exportToFiles('mnist'), 'EXPORT_UNSUPPORTED', ['label 255', "'no label'"]);
    const long = Dataset.fromIterable([item('x'.repeat(33), [0], randomImage(1, 1, 1))], { labels: ['a'] });
    await expectCifarkitError(() => long.exportToFiles('mnist'), 'EXPORT_UNSUPPORTED', ['32 characters']);
    const ok = Dataset.fromIterable([item('я'.repeat(32), [0], randomImage(1, 1, 1))], { labels: ['a'] });
    expect((await Dataset.importFrom(await ok.exportToFiles('mnist'))).get('я'.repeat(32))).toBeDefined();
  });

  it('unsafe subset names', async () => {
    const ds = Dataset.fromIterable([item('0', [0], randomImage(1, 1, 1), '../up')], { labels: ['a'] });
    await expectCifarkitError(() => ds.exportToFiles('mnist'), 'EXPORT_UNSUPPORTED', ["'../up'"]);
    const nul = Dataset.fromIterable([item('0', [0], randomImage(1, 1, 1), 'a\0b')], { labels: ['a'] });
    await expectCifarkitError(() => nul.exportToFiles('mnist'), 'UNSAFE_PATH', ['NUL']);
  });
});

describe('mnist: import refusals', () => {
  const labels = (...l: number[]) => concat(be32(0x801, l.length), Uint8Array.from(l));
  const images = (n: number, h: number, w: number, pixels = n * h * w) => concat(be32(0x803, n, h, w), noise(pixels, 1));

  it('a wrong magic number', async () => {
    await expectCifarkitError(
      () => Dataset.importFrom({ 'train-labels-idx1-ubyte': images(1, 1, 1) }),
      'IDX_INVALID',
      ['train-labels-idx1-ubyte', 'magic number 0x00000803', 'is not 0x00000801'],
    );
    await expectCifarkitError(
      () => Dataset.importFrom({ 'train-labels-idx1-ubyte': labels(1), 'train-images-idx3-ubyte': labels(1, 2, 3, 4, 5, 6, 7, 8) }),
      'IDX_INVALID',
      ['train-images-idx3-ubyte', '0x00000801', 'is not 0x00000803'],
    );
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte': text('PK\x03\x04junkjunk') }), 'IDX_INVALID', ['magic number 0x504b0304']);
  });

  it('truncated files and short headers', async () => {
    const l = labels(1, 2, 3);
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte': l.subarray(0, 10) }), 'IDX_INVALID', [
      'train-labels-idx1-ubyte',
      'header says 3 labels but the file holds 2 (truncated)',
    ]);
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte': l.subarray(0, 5) }), 'IDX_INVALID', ['shorter than the 8-byte idx1 header']);
    const img = images(3, 2, 2);
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte': l, 'train-images-idx3-ubyte': img.subarray(0, 20) }), 'IDX_INVALID', [
      'train-images-idx3-ubyte',
      'header says 3 images of 2x2 (12 bytes) but the file holds 4 bytes (truncated)',
    ]);
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte': l, 'train-images-idx3-ubyte': img.subarray(0, 12) }), 'IDX_INVALID', ['16-byte idx3 header']);
  });

  it('a cut gzip file', async () => {
    const gz = gzipSync(labels(1, 2, 3));
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte.gz': gz.subarray(0, gz.length - 6) }), 'IDX_INVALID', [
      'train-labels-idx1-ubyte.gz',
      'not valid gzip data',
    ]);
  });

  it('images and labels that disagree in number, a label outside the names', async () => {
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte': labels(1, 2), 'train-images-idx3-ubyte': images(3, 2, 2) }), 'IDX_INVALID', [
      '3 images but the labels file has 2 labels',
    ]);
    await expectCifarkitError(() => Dataset.importFrom({ 'train-labels-idx1-ubyte': labels(1, 12) }), 'LABEL_OUT_OF_RANGE', [
      'train-labels-idx1-ubyte',
      'item 1',
      'label 12',
      '10 label names',
    ]);
  });

  it('a meta file of the wrong shape', async () => {
    await expectCifarkitError(
      () => Dataset.importFrom({ 'train-labels-idx1-ubyte': labels(1, 2), 'train-meta.gz': gzipSync(new Uint8Array(128 * 5)) }),
      'IDX_INVALID',
      ['train-meta.gz', '5 strings for 2 items'],
    );
    await expectCifarkitError(
      () => Dataset.importFrom({ 'train-labels-idx1-ubyte': labels(1), 'train-meta.gz': gzipSync(new Uint8Array(100)) }),
      'IDX_INVALID',
      ['not a whole number of 32-character strings'],
    );
  });

  it('two MNIST folders where one was expected', async () => {
    const l = labels(1);
    await expectCifarkitError(() => Dataset.importFrom({ 'a/train-labels-idx1-ubyte': l, 'b/c/train-labels-idx1-ubyte': l }), 'AMBIGUOUS_ROOT', [
      '2 MNIST datasets',
      'a',
      'b/c',
    ]);
  });
});

describe('mnist on disk', () => {
  it('Dataset.export writes the files, importFrom(path) reads them back; a labels file alone is one subset', async () => {
    await withTempDir(async (tmp) => {
      const ds = await Dataset.importFrom(join(FIXTURES, 'datumaro'));
      const out = join(tmp, 'out');
      // train: labels, images, meta (ids and 4x5 sizes); test: labels, images; labels.txt
      expect(await ds.export(out, 'mnist')).toBe(6);
      const back = await Dataset.importFrom(out);
      expect(describeItems(back)).toEqual(describeItems(ds));
      expect(labelNames(back)).toEqual(labelNames(ds));
      const one = await Dataset.importFrom(join(out, 'train-labels-idx1-ubyte.gz'));
      expect([one.format, one.subsets(), one.size]).toEqual(['mnist', ['train'], 3]);
    });
  });
});
