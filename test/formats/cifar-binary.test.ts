/**
 * The CIFAR binary version (`cifar_binary`): the fixtures of test/fixtures/binary/generate.py
 * (written from the format description, with numpy's own HWC hashes) import exactly, from a
 * folder, a single .bin file, in-memory files and the official archive layout; the Python
 * pickles of the same images give the same pixels and labels; exports are byte-exact and refuse
 * what a record cannot hold. Every pixel-touching case runs on both backends.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, LabelCategories, formatNames } from '../../src/index.js';
import { BACKENDS, expectCifarkitError, noise, sha256, withBackend } from '../helpers.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/binary');
const PYTHON = join(FIXTURES, 'python');

interface Expected {
  input: string;
  labels: string[];
  parents: string[];
  subsets: string[];
  items: { subset: string; id: string; label: number; sha256: string }[];
}

const expectedOf = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;

function describeDs(ds: Dataset): Omit<Expected, 'input'> {
  return {
    labels: ds.labels.items.map((l) => l.name),
    parents: ds.labels.items.map((l) => l.parent),
    subsets: ds.subsets(),
    items: [...ds].map((i) => {
      expect([i.media!.height, i.media!.width, i.media!.channels]).toEqual([32, 32, 3]);
      return { subset: i.subset, id: i.id, label: i.annotations[0]!.label, sha256: sha256(i.media!.data) };
    }),
  };
}

function filesOf(dir: string, prefix = ''): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir)) out[prefix + name] = new Uint8Array(readFileSync(join(dir, name)));
  return out;
}

const { input: _, ...expected10 } = expectedOf('cifar10');
const { input: __, ...expected100 } = expectedOf('cifar100');
const CASES: [string, string, Omit<Expected, 'input'>][] = [
  ['CIFAR-10', 'cifar10', expected10],
  ['CIFAR-100', 'cifar100', expected100],
];

describe('cifar_binary is a registered format', () => {
  it('is listed among the formats', () => {
    expect(formatNames).toContain('cifar_binary');
  });
});

describe.each(BACKENDS)('cifar_binary import, %s backend', (backend) => {
  for (const [name, dir, expected] of CASES) {
    it(`${name}: a folder on disk, detected, is the generator's records`, async () => {
      const ds = await withBackend(backend, () => Dataset.importFrom(join(FIXTURES, dir)));
      expect(ds.format).toBe('cifar_binary');
      expect(describeDs(ds)).toEqual(expected);
    });

    it(`${name}: in-memory files (not ours to change) give the same`, async () => {
      const files = filesOf(join(FIXTURES, dir), 'some/where/');
      const copy = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.slice()]));
      const ds = await withBackend(backend, () => Dataset.importFrom(files, 'cifar_binary'));
      expect(describeDs(ds)).toEqual(expected);
      expect(files).toEqual(copy); // the caller's bytes are untouched
    });

    it(`${name}: the official archive layout (.tar.gz as downloaded), as a path and as bytes`, async () => {
      const archive = join(FIXTURES, name === 'CIFAR-10' ? 'cifar-10-binary.tar.gz' : 'cifar-100-binary.tar.gz');
      const fromPath = await withBackend(backend, () => Dataset.importFrom(archive));
      expect(fromPath.format).toBe('cifar_binary');
      expect(describeDs(fromPath)).toEqual(expected);
      const fromBytes = await withBackend(backend, () => Dataset.importFrom(new Uint8Array(readFileSync(archive))));
      expect(describeDs(fromBytes)).toEqual(expected);
    });

    it(`${name}: the Python-version pickles of the same images give the same pixels, labels and subsets`, async () => {
      const py = await withBackend(backend, () => Dataset.importFrom(join(PYTHON, name === 'CIFAR-10' ? 'cifar-10-batches-py' : 'cifar-100-python')));
      expect(py.format).toBe('cifar');
      const d = describeDs(py);
      expect({ ...d, items: d.items.map((i) => ({ ...i, id: String(Number(i.id.split('_').pop())) })) }).toEqual(expected);
    });
  }

  it('a single .bin file is that subset, with the names beside it', async () => {
    const ds = await withBackend(backend, () => Dataset.importFrom(join(FIXTURES, 'cifar10/test_batch.bin')));
    expect(ds.format).toBe('cifar_binary');
    expect(describeDs(ds)).toEqual({ ...expected10, subsets: ['test_batch'], items: expected10.items.filter((i) => i.subset === 'test_batch') });
  });

  it('a lone CIFAR-10 .bin without names gets the 10 CIFAR-10 names; its length tells the version', async () => {
    const bin = readFileSync(join(FIXTURES, 'cifar10/data_batch_1.bin'));
    const ds = await withBackend(backend, () => Dataset.importFrom({ 'x.bin': new Uint8Array(bin) }));
    expect(ds.format).toBe('cifar_binary');
    expect(ds.labels.items.map((l) => l.name)).toEqual(expected10.labels);
    expect(describeDs(ds).items).toEqual(expected10.items.filter((i) => i.subset === 'data_batch_1').map((i) => ({ ...i, subset: 'x' })));
  });

  it('a .bin of 0 records is an empty subset', async () => {
    const ds = await withBackend(backend, () => Dataset.importFrom({ 'a/batches.meta.txt': new TextEncoder().encode('x\ny\n'), 'a/empty.bin': new Uint8Array(0), 'a/one.bin': new Uint8Array(3073).fill(1) }));
    expect(ds.subsets()).toEqual(['empty', 'one']);
    expect(ds.size).toBe(1);
    expect(ds.get('0', 'one')!.annotations[0]!.label).toBe(1);
    expect([...ds.get('0', 'one')!.media!.data].every((v) => v === 1)).toBe(true);
  });
});

describe('cifar_binary errors', () => {
  for (const name of ['bad-length', 'bad-label', 'bad-coarse']) {
    it(`${name}: the generator's error code, file and record`, async () => {
      const exp = JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as { error: string; file: string; index?: number };
      const err = await expectCifarkitError(() => Dataset.importFrom(join(FIXTURES, name)), exp.error, [exp.file]);
      expect(err.index).toBe(exp.index);
    });
  }

  it('a length that is not a whole number of records names the counts', async () => {
    await expectCifarkitError(() => Dataset.importFrom(join(FIXTURES, 'bad-length')), 'CIFAR_BINARY_INVALID', ['3173 bytes', '3073-byte records', '1 records and 100 bytes over']);
    await expectCifarkitError(() => Dataset.importFrom({ 'x.bin': new Uint8Array(3075) }), 'CIFAR_BINARY_INVALID', ['neither CIFAR-10', 'nor CIFAR-100']);
  });

  it('CIFAR-100 records without their names files, an empty name line, a name twice, both meta files', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    await expectCifarkitError(() => Dataset.importFrom({ 'x.bin': new Uint8Array(3074) }), 'CIFAR_BINARY_INVALID', ['fine_label_names.txt']);
    await expectCifarkitError(() => Dataset.importFrom({ 'fine_label_names.txt': enc('a\n'), 'x.bin': new Uint8Array(3074) }), 'CIFAR_BINARY_INVALID', ["'coarse_label_names.txt' is missing"]);
    await expectCifarkitError(() => Dataset.importFrom({ 'batches.meta.txt': enc('a\n\nb\n'), 'x.bin': new Uint8Array(0) }), 'CIFAR_BINARY_INVALID', ['line 2 is empty']);
    await expectCifarkitError(() => Dataset.importFrom({ 'batches.meta.txt': enc('a\r\nb\r\na\r\n'), 'x.bin': new Uint8Array(0) }), 'CIFAR_BINARY_INVALID', ["'a' is on two lines", 'line 3']);
    await expectCifarkitError(() => Dataset.importFrom({ 'batches.meta.txt': new Uint8Array([0xff, 0x0a]), 'x.bin': new Uint8Array(0) }), 'CIFAR_BINARY_INVALID', ['UTF-8']);
    await expectCifarkitError(
      () => Dataset.importFrom({ 'batches.meta.txt': enc('a\n'), 'fine_label_names.txt': enc('a\n'), 'x.bin': new Uint8Array(0) }, 'cifar_binary'),
      'CIFAR_BINARY_INVALID',
      ['both'],
    );
  });

  it('two datasets below the folder are ambiguous', async () => {
    const meta = new TextEncoder().encode('a\n');
    await expectCifarkitError(
      () => Dataset.importFrom({ 'a/batches.meta.txt': meta, 'a/x.bin': new Uint8Array(0), 'b/batches.meta.txt': meta, 'b/x.bin': new Uint8Array(0) }, 'cifar_binary'),
      'AMBIGUOUS_ROOT',
    );
  });
});

describe('cifar_binary detection does not confuse formats', () => {
  it('the Python version, MNIST and label files without .bin are not cifar_binary; the binary version is not cifar', async () => {
    expect((await Dataset.importFrom(join(PYTHON, 'cifar-10-batches-py'))).format).toBe('cifar');
    expect((await Dataset.importFrom(join(import.meta.dirname, '../fixtures/mnist/original-gz'))).format).toBe('mnist');
    await expectCifarkitError(() => Dataset.importFrom({ 'batches.meta.txt': new TextEncoder().encode('a\n') }, 'cifar_binary'), 'FORMAT_NOT_DETECTED');
    await expectCifarkitError(() => Dataset.importFrom(join(FIXTURES, 'cifar10'), 'cifar'), 'FORMAT_NOT_DETECTED');
  });
});

describe.each(BACKENDS)('cifar_binary export, %s backend', (backend) => {
  for (const [name, dir] of [['CIFAR-10', 'cifar10'], ['CIFAR-100', 'cifar100']] as const) {
    it(`${name}: binary -> binary writes the generator's .bin bytes and names`, async () => {
      const files = await withBackend(backend, async () => (await Dataset.importFrom(join(FIXTURES, dir))).exportToFiles('cifar_binary'));
      const original = filesOf(join(FIXTURES, dir));
      expect([...files.keys()].sort()).toEqual(Object.keys(original).sort());
      for (const [path, bytes] of files) {
        if (path.endsWith('.bin')) expect(Buffer.from(bytes).equals(Buffer.from(original[path]!)), path).toBe(true);
        else expect(new TextDecoder().decode(bytes)).toBe(new TextDecoder().decode(original[path]!).replace(/\n+$/, '\n'));
      }
    });

    it(`${name}: Python pickles -> binary writes the same .bin bytes as the generator`, async () => {
      const py = join(PYTHON, dir === 'cifar10' ? 'cifar-10-batches-py' : 'cifar-100-python');
      const files = await withBackend(backend, async () => (await Dataset.importFrom(py)).exportToFiles('cifar_binary'));
      for (const [path, bytes] of Object.entries(filesOf(join(FIXTURES, dir)))) {
        if (path.endsWith('.bin')) expect(Buffer.from(files.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
      }
    });
  }

  it('images that are not one buffer and gray images (written R = G = B) round-trip', async () => {
    const rgb = noise(3072, 5);
    const gray = noise(1024, 6);
    const ds = Dataset.fromIterable(
      [
        new DatasetItem({ id: 'a', subset: 's', media: Image.fromHWC(rgb, 32, 32), annotations: [new Label(1)] }),
        new DatasetItem({ id: 'b', subset: 's', media: new Image(gray, 32, 32, 1), annotations: [new Label(0)] }),
      ],
      { labels: ['x', 'y'] },
    );
    const back = await withBackend(backend, async () => Dataset.importFrom(await ds.exportToFiles('cifar_binary')));
    expect([...back].map((i) => [i.id, i.annotations[0]!.label])).toEqual([['0', 1], ['1', 0]]);
    expect(Buffer.from(back.get('0')!.media!.data).equals(Buffer.from(rgb))).toBe(true);
    const g = back.get('1')!.media!.data;
    expect(Array.from({ length: 1024 }, (_, p) => [g[3 * p], g[3 * p + 1], g[3 * p + 2]])).toEqual(Array.from(gray, (v) => [v, v, v]));
  });
});

describe('cifar_binary export refuses what a record cannot hold', () => {
  const img = (h = 32, w = 32) => Image.fromHWC(noise(h * w * 3, 1), h, w);
  const one = (item: Partial<ConstructorParameters<typeof DatasetItem>[0]>, labels: Iterable<string | readonly [string, string?]> = ['a', 'b']) =>
    Dataset.fromIterable([new DatasetItem({ id: 'x', subset: 'train', media: img(), annotations: [new Label(0)], ...item })], { labels });

  it.each([
    ['an image that is not 32x32', one({ media: img(31, 32) }), ['31x32', '32x32 images only']],
    ['an item without an image', one({ media: null }), ['no image']],
    ['an unlabelled item', one({ annotations: [] }), ['no label']],
    ['more than 256 labels', one({}, Array.from({ length: 257 }, (_, i) => `l${i}`)), ['257 label names', 'one byte']],
    ['more than 256 CIFAR-100 labels', one({}, Array.from({ length: 257 }, (_, i) => [`l${i}`, `c${i % 3}`] as const)), ['257 label names']],
    ['a CIFAR-100 label without a superclass', one({ annotations: [new Label(1)] }, [['a', 'p'], ['b']]), ["'b' has no superclass"]],
    ['a label name with a line break', one({}, ['a\nb']), ['line break']],
    ['a label name with spaces at an end', one({}, [' a']), ['spaces at an end']],
    ['a subset with a leading dot', Dataset.fromIterable([new DatasetItem({ id: 'x', subset: '.hidden', media: img(), annotations: [new Label(0)] })], { labels: ['a'] }), ['leading dot']],
  ])('%s: EXPORT_UNSUPPORTED', async (_name, ds, mentions) => {
    await expectCifarkitError(() => ds.exportToFiles('cifar_binary'), 'EXPORT_UNSUPPORTED', mentions as string[]);
  });

  it('a label index outside the categories: LABEL_OUT_OF_RANGE', async () => {
    const ds = Dataset.fromIterable([new DatasetItem({ id: 'x', subset: 't', media: img(), annotations: [new Label(5)] })], { labels: new LabelCategories() });
    await expectCifarkitError(() => ds.exportToFiles('cifar_binary'), 'LABEL_OUT_OF_RANGE');
  });
});

describe('cifar_binary goes through filters and transforms like every format', () => {
  it('filter by label, then export: only those records', async () => {
    const ds = (await Dataset.importFrom(join(FIXTURES, 'cifar10'))).filter('/item[annotation/label="truck"]');
    const back = await Dataset.importFrom(await ds.exportToFiles('cifar_binary'));
    expect(describeDs(back).items).toEqual(
      expected10.items.filter((i) => i.label === 9).map((i) => ({ ...i, id: '0' })),
    );
    const mapped = (await Dataset.importFrom(join(FIXTURES, 'cifar10'))).transform('map_subsets', { mapping: { data_batch_1: 'train', test_batch: 'test' } });
    const files = await mapped.exportToFiles('cifar_binary');
    expect([...files.keys()].sort()).toEqual(['batches.meta.txt', 'data_batch_2.bin', 'test.bin', 'train.bin']);
    expect(files.get('train.bin')!.length).toBe(3 * 3073);
  });
});

describe('cifar_binary on hostile input', () => {
  it('600 seeded mutations of the fixtures: a dataset or a CifarkitError with a known code, nothing else', async () => {
    const { CifarkitError, ErrorCode } = await import('../../src/index.js');
    const codes = new Set<string>(Object.values(ErrorCode));
    const bases = [filesOf(join(FIXTURES, 'cifar10')), filesOf(join(FIXTURES, 'cifar100'))];
    let x = 18;
    const rnd = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const files = Object.fromEntries(Object.entries(bases[rnd(2)]!).map(([k, v]) => [k, v.slice()]));
      for (let m = 0; m <= rnd(3); m++) {
        const names = Object.keys(files);
        if (names.length === 0) break;
        const name = names[rnd(names.length)]!;
        const f = files[name]!;
        switch (rnd(5)) {
          case 0: files[name] = f.subarray(0, rnd(f.length + 1)); break; // truncate
          case 1: for (let k = 0; k < 1 + rnd(8); k++) if (f.length) f[rnd(f.length)] = rnd(256); break; // flip bytes
          case 2: files[name] = Uint8Array.from({ length: rnd(400) }, () => rnd(256)); break; // garbage
          case 3: delete files[name]; break;
          default: files[`extra${i}.bin`] = Uint8Array.from({ length: rnd(2) ? 3073 * rnd(3) : rnd(7000) }, () => rnd(256));
        }
      }
      let outcome = 'ok';
      try {
        const ds = await Dataset.importFrom(files, rnd(4) === 0 ? undefined : 'cifar_binary');
        for (const item of ds) if (item.media && item.media.data.length !== 3072) throw new Error(`item ${item.id}: ${item.media.data.length} bytes`);
      } catch (err) {
        if (!(err instanceof CifarkitError) || !codes.has(err.code)) throw new Error(`case ${i}: ${String(err)}`);
        outcome = err.code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    for (const code of ['ok', 'CIFAR_BINARY_INVALID', 'LABEL_OUT_OF_RANGE']) expect(outcomes.get(code), code).toBeGreaterThan(0);
  });
});
