/**
 * hf_parquet: the Hugging Face Hub's parquet layout of cifar10 / cifar100. Fixtures from two
 * independent writers (hyparquet-writer, DuckDB) over the same images, whose Python pickles sit
 * beside them (test/fixtures/parquet/, see its README).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet/src/index.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { CifarkitError, Dataset, DatasetItem, decodeImage, encodeImage, Image, Label } from '../../src/index.js';
import { BACKENDS, expectCifarkitError, sha256, withBackend } from '../helpers.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/parquet');
const SOURCE = join(FIXTURES, 'source');

interface Expected {
  case: string;
  input: string;
  labels: { name: string; parent: string }[];
  subsets: string[];
  items: { subset: string; id: string; label: number | null; h: number | null; w: number | null; sha256: string | null }[];
}

const CASES: Expected[] = readdirSync(FIXTURES)
  .filter((n) => n.endsWith('.expected.json'))
  .sort()
  .map((n) => JSON.parse(readFileSync(join(FIXTURES, n), 'utf8')) as Expected);

/** The input folder of a case (its `input` is relative to test/fixtures/generated/). */
const inputOf = (c: Expected) => join(FIXTURES, c.input.replace(/^\.\.\/parquet\//, ''));

function describeDs(ds: Dataset): Omit<Expected, 'case' | 'input'> {
  return {
    labels: ds.labels.items.map((l) => ({ name: l.name, parent: l.parent })),
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

/** What must agree between formats: labels with parents, subsets, and per item label and pixels (ids may differ). */
function content(ds: Dataset) {
  const d = describeDs(ds);
  return { labels: d.labels, subsets: d.subsets, items: d.items.map(({ id: _id, ...rest }) => rest) };
}

function filesOf(dir: string, prefix = ''): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, filesOf(dir, path));
    else out[path] = new Uint8Array(readFileSync(join(dir, path)));
  }
  return out;
}

function trainFileOf(c: Expected): string {
  const files = Object.keys(filesOf(inputOf(c))).filter((p) => p.endsWith('.parquet') && p.includes('train'));
  expect(files).toHaveLength(1);
  return join(inputOf(c), files[0]!);
}

describe.each(BACKENDS)('hf_parquet fixtures [%s]', (backend) => {
  it.each(CASES.map((c) => [c.case, c] as const))('%s imports as expected.json says (detected, from disk and from memory)', async (_name, c) => {
    await withBackend(backend, async () => {
      const fromDisk = await Dataset.importFrom(inputOf(c));
      expect(fromDisk.format).toBe('hf_parquet');
      const { labels, subsets, items } = c;
      expect(describeDs(fromDisk)).toEqual({ labels, subsets, items });
      const fromMemory = await Dataset.importFrom(filesOf(inputOf(c)));
      expect(describeDs(fromMemory)).toEqual({ labels, subsets, items });
    });
  });

  it.each([
    ['cifar10', 'cifar-10-batches-py'],
    ['cifar100', 'cifar-100-python'],
  ])('%s: both writers give the pixels, labels and superclasses of the Python pickles', async (dataset, pickles) => {
    await withBackend(backend, async () => {
      const python = content(await Dataset.importFrom(join(SOURCE, pickles), 'cifar'));
      // The pickles' meta has every class; the parquet rows give parents only to classes they use, as CIFAR's rows do.
      for (const writer of ['hyparquet', 'duckdb']) {
        const parquet = await Dataset.importFrom(join(FIXTURES, `hub-${writer}`, dataset), 'hf_parquet');
        expect(content(parquet), writer).toEqual(python);
      }
    });
  });
});

describe('hf_parquet detection', () => {
  const c10 = CASES.find((c) => c.case === 'hf-hyparquet-cifar10')!;

  it('a lone .parquet file is detected by its schema; with the format named, any file name is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cifarkit-hf-'));
    copyFileSync(trainFileOf(c10), join(dir, 'train-00000-of-00001.parquet'));
    const ds = await Dataset.importFrom(join(dir, 'train-00000-of-00001.parquet'));
    expect(ds.format).toBe('hf_parquet');
    expect(ds.subsets()).toEqual(['train']);
    expect(ds.size).toBe(16);
    copyFileSync(trainFileOf(c10), join(dir, 'train-00000-of-00001.bin'));
    const named = await Dataset.importFrom(join(dir, 'train-00000-of-00001.bin'), 'hf_parquet');
    expect(describeDs(named)).toEqual(describeDs(ds));
  });

  it('a parquet table without an image column is not this format', async () => {
    const table = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'label', data: [1n, 2n], type: 'INT64' }] }));
    await expectCifarkitError(() => Dataset.importFrom({ 'd/train.parquet': table }), 'FORMAT_NOT_DETECTED');
    await expectCifarkitError(() => Dataset.importFrom({ 'd/train.parquet': table }, 'hf_parquet'), 'PARQUET_SCHEMA_INVALID', ['no image column']);
  });

  it('names splits from file names as datasets does', async () => {
    const { splitOfPath } = await import('../../src/formats/hf-parquet/layout.js');
    expect(splitOfPath('plain_text/train-00000-of-00001.parquet')).toBe('train');
    expect(splitOfPath('data/test-00000-of-00001-640ee37d788fde22.parquet')).toBe('test');
    expect(splitOfPath('data/data_batch_1-00000-of-00001.parquet')).toBe('data_batch_1');
    expect(splitOfPath('plain_text/test/0000.parquet')).toBe('test');
    expect(splitOfPath('plain_text/cifar10-train.parquet')).toBe('train');
    expect(splitOfPath('validation/part.parquet')).toBe('validation');
    expect(splitOfPath('x/dev.parquet')).toBe('validation');
    expect(splitOfPath('extra.parquet')).toBe('extra');
  });

  it('a Git LFS pointer in place of the data says so', async () => {
    const pointer = new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 120000000\n');
    await expectCifarkitError(() => Dataset.importFrom({ 'plain_text/train-00000-of-00001.parquet': pointer }, 'hf_parquet'), 'PARQUET_INVALID', ['git lfs pull']);
  });
});

/** A small dataset with every case the exporter handles: CIFAR-100 parents, no label, no image, odd sizes, gray. */
function sample(): Dataset {
  const img = (h: number, w: number, c: number, seed: number) => Image.fromHWC(Uint8Array.from({ length: h * w * c }, (_, i) => (i * 31 + seed * 7) & 0xff), h, w, c);
  return Dataset.fromIterable(
    [
      // Training data first: the order an import gives the splits back in.
      new DatasetItem({ id: 'a/1', subset: 'train', media: img(32, 32, 3, 1), annotations: [new Label(0)] }),
      new DatasetItem({ id: 'кот 2', subset: 'train', media: img(5, 7, 3, 2), annotations: [new Label(2)] }),
      new DatasetItem({ id: 'gray', subset: 'train', media: img(3, 4, 1, 3), annotations: [] }),
      new DatasetItem({ id: 'none', subset: 'test', media: null, annotations: [new Label(1)] }),
      new DatasetItem({ id: 'b', subset: 'test', media: img(1, 1, 3, 4), annotations: [new Label(1)] }),
    ],
    { labels: [['apple', 'fruit'], ['bus', 'vehicle'], ['pear', 'fruit']] },
  );
}

describe.each(BACKENDS)('hf_parquet export [%s]', (backend) => {
  it('writes the Hub schema and metadata, and reads back the same dataset', async () => {
    await withBackend(backend, async () => {
      const ds = sample();
      const files = await ds.exportToFiles('hf_parquet');
      expect([...files.keys()]).toEqual(['data/train-00000-of-00001.parquet', 'data/test-00000-of-00001.parquet']);
      const bytes = files.get('data/train-00000-of-00001.parquet')!;
      const md = parquetMetadata(bytes);
      expect(JSON.parse(md.key_value_metadata!.find((k) => k.key === 'huggingface')!.value!)).toEqual({
        info: {
          features: {
            img: { _type: 'Image' },
            fine_label: { names: ['apple', 'bus', 'pear'], _type: 'ClassLabel' },
            coarse_label: { names: ['fruit', 'vehicle'], _type: 'ClassLabel' },
          },
        },
      });
      const schema = parquetSchema(md);
      expect(schema.children.map((c) => [c.element.name, c.element.type ?? 'group', c.children.map((g) => `${g.element.name}:${g.element.type}:${g.element.converted_type ?? ''}`)])).toEqual([
        ['img', 'group', ['bytes:BYTE_ARRAY:', 'path:BYTE_ARRAY:UTF8']],
        ['fine_label', 'INT64', []],
        ['coarse_label', 'INT64', []],
      ]);
      const file = { byteLength: bytes.length, slice: (a: number, b?: number) => bytes.slice(a, b).buffer };
      const rows = await parquetReadObjects({ file, utf8: false });
      expect(rows.map((r) => [r.img.path, r.fine_label, r.coarse_label])).toEqual([
        ['a/1.png', 0n, 0n],
        ['кот 2.png', 2n, 0n],
        ['gray.png', -1n, -1n],
      ]);
      // The image bytes are PNG files of the pixels.
      expect(decodeImage(rows[0]!.img.bytes, 'x.png').data).toEqual(ds.get('a/1', 'train')!.media!.data);

      // The item without an image has no path to keep its id: it is named by its row.
      const back = await Dataset.importFrom(files, 'hf_parquet');
      const want = describeDs(ds);
      want.items[3]!.id = 'test_0';
      expect(describeDs(back)).toEqual(want);
    });
  });

  it('writes CIFAR-10 style `label` without superclasses, with snappy, gzip or no compression', async () => {
    const ds = Dataset.fromIterable([new DatasetItem({ id: 'x', subset: 'train', media: Image.fromHWC(new Uint8Array(12).fill(9), 2, 2, 3), annotations: [new Label(1)] })], {
      labels: ['cat', 'dog'],
    });
    for (const codec of ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const) {
      const files = await ds.exportToFiles('hf_parquet', { codec });
      const md = parquetMetadata(files.get('data/train-00000-of-00001.parquet')!);
      expect(md.row_groups[0]!.columns.map((c) => c.meta_data!.codec)).toEqual([codec, codec, codec]);
      expect(parquetSchema(md).children.map((c) => c.element.name)).toEqual(['img', 'label']);
      expect(describeDs(await Dataset.importFrom(files))).toEqual(describeDs(ds));
    }
    await expectCifarkitError(() => ds.exportToFiles('hf_parquet', { codec: 'LZO' as 'GZIP' }), 'INVALID_ARGUMENT', ['codec']);
  });

  it('refuses subset names that are not Hugging Face split names', async () => {
    const ds = Dataset.fromIterable([new DatasetItem({ id: 'x', subset: 'my split', media: null, annotations: [] })], { labels: ['a'] });
    await expectCifarkitError(() => ds.exportToFiles('hf_parquet'), 'EXPORT_UNSUPPORTED', ["'my split'"]);
  });

  it('converts the Python pickles to parquet and back, pixel- and label-exact', async () => {
    await withBackend(backend, async () => {
      for (const pickles of ['cifar-10-batches-py', 'cifar-100-python']) {
        const python = await Dataset.importFrom(join(SOURCE, pickles), 'cifar');
        const parquet = await Dataset.importFrom(await python.exportToFiles('hf_parquet'), 'hf_parquet');
        expect(describeDs(parquet)).toEqual(describeDs(python));
        const again = await Dataset.importFrom(await parquet.exportToFiles('cifar'), 'cifar');
        expect(content(again)).toEqual(content(python));
      }
    });
  });
});

// ---- hostile input -----------------------------------------------------------------------------

/** A Hub-schema file written here with hyparquet-writer, for targeted breakage. */
function hubFile(rows: { png: Uint8Array | null; label: bigint | null }[], names: string[] | null = ['cat', 'dog']): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'img', data: rows.map((r) => (r.png ? { bytes: r.png, path: null } : null)) },
        { name: 'label', data: rows.map((r) => r.label) },
      ],
      schema: [
        { name: 'schema', num_children: 2 },
        { name: 'img', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'label', type: 'INT64', repetition_type: 'OPTIONAL' },
      ],
      kvMetadata: names ? [{ key: 'huggingface', value: JSON.stringify({ info: { features: { img: { _type: 'Image' }, label: { names, _type: 'ClassLabel' } } } }) }] : [],
    }),
  );
}

async function pngBytes(): Promise<Uint8Array> {
  return encodeImage(Image.fromHWC(Uint8Array.from({ length: 48 }, (_, i) => i * 5), 4, 4, 3), '.png');
}

describe('hf_parquet hostile input', () => {
  it('labels out of range, bad PNG bytes, broken metadata: coded errors naming the row', async () => {
    const png = await pngBytes();
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': hubFile([{ png, label: 0n }, { png, label: 2n }]) }), 'LABEL_OUT_OF_RANGE', ['item 1', "field 'label'", '0..1']);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': hubFile([{ png, label: -2n }]) }), 'LABEL_OUT_OF_RANGE');
    const bad = png.slice();
    bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff; // inside IDAT: its CRC no longer matches
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': hubFile([{ png, label: 0n }, { png: bad, label: 1n }]) }), 'IMAGE_DECODE_FAILED', ['item 1', 'CRC']);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': hubFile([{ png: new Uint8Array([1, 2, 3]), label: 0n }]) }), 'IMAGE_DECODE_FAILED', ['item 0']);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': hubFile([{ png, label: 0n }], ['cat', 'cat']) }), 'PARQUET_SCHEMA_INVALID', ["names 'cat' twice"]);
    // -1 and null are "no label"; an item without an image has no media.
    const ok = await Dataset.importFrom({ 'train.parquet': hubFile([{ png, label: -1n }, { png: null, label: null }]) });
    expect([...ok].map((i) => [i.annotations.length, i.media === null])).toEqual([
      [0, false],
      [0, true],
    ]);
  });

  it('without the huggingface metadata the columns still read: classes named 0..max', async () => {
    const png = await pngBytes();
    const ds = await Dataset.importFrom({ 'x/test.parquet': hubFile([{ png, label: 3n }, { png, label: 1n }, { png, label: -1n }], null) });
    expect(ds.format).toBe('hf_parquet');
    expect(ds.labels.items.map((l) => l.name)).toEqual(['0', '1', '2', '3']);
    expect([...ds].map((i) => [i.id, i.annotations[0]?.label ?? null])).toEqual([
      ['test_0', 3],
      ['test_1', 1],
      ['test_2', null],
    ]);
  });

  it('limits: more rows than maxEntries, more bytes than maxTotalBytes', async () => {
    const png = await pngBytes();
    const file = { 'train.parquet': hubFile(Array.from({ length: 5 }, () => ({ png, label: 1n }))) };
    await expectCifarkitError(() => Dataset.importFrom(file, 'hf_parquet', { limits: { maxEntries: 4 } }), 'ARCHIVE_TOO_LARGE', ['maxEntries']);
    await expectCifarkitError(() => Dataset.importFrom(file, 'hf_parquet', { limits: { maxTotalBytes: 100 } }), 'ARCHIVE_TOO_LARGE', ['maxTotalBytes']);
    expect((await Dataset.importFrom(file, 'hf_parquet', { limits: { maxEntries: 5 } })).size).toBe(5);
  });

  it('truncated files and files that are not parquet', async () => {
    const bytes = new Uint8Array(readFileSync(trainFileOf(CASES.find((c) => c.case === 'hf-duckdb-cifar10')!)));
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': bytes.subarray(0, bytes.length - 100) }, 'hf_parquet'), 'PARQUET_INVALID', ['PAR1']);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': new Uint8Array(0) }, 'hf_parquet'), 'PARQUET_INVALID');
    const footerless = bytes.slice();
    footerless.set([0xff, 0xff, 0xff, 0x7f], bytes.length - 8); // footer length far beyond the file
    await expectCifarkitError(() => Dataset.importFrom({ 'train.parquet': footerless }, 'hf_parquet'), 'PARQUET_INVALID', ['footer']);
  });

  it('mutated fixture files end in a dataset or a coded error, never anything else', async () => {
    const originals = CASES.map((c) => new Uint8Array(readFileSync(trainFileOf(c))));
    const codes = new Map<string, number>();
    let x = 0x1234567;
    const rand = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    let datasets = 0;
    for (let round = 0; round < 240; round++) {
      const original = originals[round % originals.length]!;
      const bytes = original.slice();
      // Mostly in the footer and page headers, where sizes and counts live.
      const kind = round % 4;
      for (let k = 0; k < 1 + rand(4); k++) {
        const at = kind === 0 ? bytes.length - 9 - rand(Math.min(600, bytes.length - 9)) : kind === 1 ? 4 + rand(64) : rand(bytes.length);
        bytes[at] = kind === 3 ? 0xff : rand(256);
      }
      try {
        await Dataset.importFrom({ 'train-00000-of-00001.parquet': bytes }, 'hf_parquet');
        datasets++;
      } catch (err) {
        if (!(err instanceof CifarkitError)) throw new Error(`round ${round}: not a CifarkitError: ${String(err)}`);
        codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
      }
    }
    expect([...codes.keys()].every((c) => ['PARQUET_INVALID', 'PARQUET_SCHEMA_INVALID', 'IMAGE_DECODE_FAILED', 'LABEL_OUT_OF_RANGE', 'ARCHIVE_TOO_LARGE'].includes(c)), JSON.stringify([...codes])).toBe(true);
    expect(codes.get('PARQUET_INVALID')).toBeGreaterThan(10);
    expect(datasets + [...codes.values()].reduce((a, b) => a + b, 0)).toBe(240);
  });
});

describe.each(BACKENDS)('hf_parquet with filters, transforms and validate [%s]', (backend) => {
  it('filter, a transform, validate and export work on an imported Hub table as on any dataset', async () => {
    await withBackend(backend, async () => {
      const c = CASES.find((x) => x.case === 'hf-hyparquet-cifar100')!;
      const ds = await Dataset.importFrom(inputOf(c));
      const fish = ds.filter('/item[annotation/label="aquarium_fish"]');
      expect(fish.size).toBe(c.items.filter((i) => i.label === 1).length);
      const renamed = ds.transform('remap_labels', { mapping: { aquarium_fish: 'fish_class' } });
      expect(renamed.labels.items.find((l) => l.name === 'fish_class')!.parent).toBe('fish');
      // A planted train/test leak: the first test image copied into train.
      const leak = new DatasetItem({ id: 'leak', subset: 'train', media: ds.getSubset('test')[0]!.media, annotations: [new Label(0)] });
      const withLeak = await Dataset.importFrom(await Dataset.fromIterable([...ds, leak], { labels: ds.labels }).exportToFiles('hf_parquet'));
      const report = withLeak.validate({ threshold: 0 });
      expect(report.summary.items).toBe(c.items.length + 1);
      expect(report.duplicates.filter((d) => d.exact).map((d) => [`${d.a.subset}/${d.a.id}`, `${d.b.subset}/${d.b.id}`])).toEqual([['train/leak', 'test/test_0']]);
    });
  });
});

describe('hf_parquet declared sizes are checked before hyparquet allocates', () => {
  it('row counts, chunk offsets and page value counts that disagree are refused', async () => {
    const { checkDeclaredSizes, newBudget, readFooter, tableLayout } = await import('../../src/formats/hf-parquet/layout.js');
    const { DEFAULT_LIMITS } = await import('../../src/limits.js');
    const bytes = new Uint8Array(readFileSync(trainFileOf(CASES.find((c) => c.case === 'hf-hyparquet-cifar10')!)));
    const check = (edit: (md: ReturnType<typeof readFooter>) => void, limits = DEFAULT_LIMITS) => () => {
      const md = readFooter(bytes, 'f');
      edit(md);
      checkDeclaredSizes(bytes, tableLayout(md, 'f')!, 'f', limits, newBudget(limits));
    };
    expect(check(() => {})).not.toThrow();
    // A footer that claims more rows than its groups hold, or a group that claims more rows than its pages.
    await expectCifarkitError(check((md) => (md.num_rows += 1n)), 'PARQUET_INVALID', ['row groups hold']);
    await expectCifarkitError(
      check((md) => {
        md.num_rows += 1n;
        md.row_groups[0]!.num_rows += 1n;
      }),
      'PARQUET_INVALID',
      ['values for 6 rows'],
    );
    // A billion rows: refused by maxEntries before any array of that length exists.
    await expectCifarkitError(
      check((md) => {
        md.num_rows = 1_000_000_000n;
        md.row_groups[0]!.num_rows = 1_000_000_000n - (md.row_groups.slice(1).reduce((n, g) => n + g.num_rows, 0n));
      }),
      'ARCHIVE_TOO_LARGE',
      ['maxEntries'],
    );
    // A column chunk that lies outside the file.
    await expectCifarkitError(check((md) => (md.row_groups[0]!.columns[0]!.meta_data!.data_page_offset = BigInt(bytes.length))), 'PARQUET_INVALID', ['not inside the file']);
    await expectCifarkitError(check((md) => (md.row_groups[1]!.columns[0]!.meta_data!.total_compressed_size += 1_000_000n)), 'PARQUET_INVALID', ['not inside the file']);
    // A chunk shorter than its pages.
    await expectCifarkitError(check((md) => (md.row_groups[1]!.columns[0]!.meta_data!.total_compressed_size -= 10n)), 'PARQUET_INVALID', ['runs past its column chunk']);
    // Pages that decompress beyond maxTotalBytes.
    await expectCifarkitError(check(() => {}, { ...DEFAULT_LIMITS, maxTotalBytes: 1000 }), 'ARCHIVE_TOO_LARGE', ['maxTotalBytes']);
  });
});
