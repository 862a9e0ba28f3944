/**
 * Datumaro 1.9.1's transforms and samplers, item by item: test/fixtures/datumaro-transforms/
 * expected.json was written by running Datumaro on the inputs beside it (generate.py there).
 * Each case is run twice: from Datumaro's command line (`parseTransformArgs`) and from the same
 * options in the API's names. Items are compared per subset, in order (Datumaro's Dataset groups
 * items by subset when it iterates them; cifarkit keeps the dataset's order across subsets).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, parseTransformArgs, type FormatName, type TransformName } from '../../src/index.js';
import { setDifferenceOrder } from '../../src/dataset/transforms/ndr.js';
import { resizeValues } from '../../src/dataset/transforms/resize.js';
import { BACKENDS, expectCifarkitError, sha256, withBackend } from '../helpers.js';

const DIR = join(__dirname, '..', 'fixtures', 'datumaro-transforms');

interface ExpectedItem {
  subset: string;
  id: string;
  labels: (string | number)[];
  attributes: Record<string, unknown>;
  h?: number;
  w?: number;
  sha256?: string;
  float_sha256?: string;
}
interface Expected {
  labels: string[];
  parents: string[];
  subsets: string[];
  items: ExpectedItem[];
}
interface Case {
  name: string;
  input: string;
  format: string;
  transform: string;
  argv: string[];
  expected: Expected;
}
const FIXTURE = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  datumaro: string;
  cases: Case[];
  set_orders: { n: number; kept: number; rest: number[]; order: number[] }[];
  attributes: {
    input: { subset: string; id: string; attributes: Record<string, unknown>; label_attributes: Record<string, unknown> }[];
    cases: { argv: string[]; items: { subset: string; id: string; attributes: Record<string, unknown>; label_attributes: Record<string, unknown>[] }[] }[];
  };
  parents: { input: { labels: [string, string][]; items: { subset: string; id: string; label: number }[] }; argv: string[]; expected: Expected };
  correct: { input: { labels: string[]; items: { subset: string; id: string; labels: number[] }[] }; reports: string[]; datumaro_report: object; expected: Expected };
};

/** The options each case gives in the API's names (the Python names are in generate.py). */
const API_OPTIONS: Record<string, object> = {
  reindex: {},
  'reindex-start': { start: -3 },
  'reindex-each-subset': { start: 0, eachSubset: true },
  sort: {},
  'id_from_image_name-cifar': {},
  'id_from_image_name-imagenet': {},
  project_labels: { labels: ['cat', 'dog', 'airplane', 'bird'] },
  remove_attributes: {},
  'resize-down-2x': { width: 16, height: 16 },
  'resize-down-area': { width: 20, height: 12 },
  'resize-up-cubic': { width: 45, height: 40 },
  'resize-mixed': { width: 64, height: 8 },
  'split-0': { task: 'classification', splits: [['train', 0.7], ['val', 0.2], ['test', 0.1]], seed: 0 },
  'split-1': { splits: { train: 0.7, val: 0.2, test: 0.1 }, seed: 1 },
  'split-42': { splits: { train: 0.7, val: 0.2, test: 0.1 }, seed: 42 },
  'split-half': { splits: { a: 0.5, b: 0.5 }, seed: 7 },
  'split-uneven': { splits: { train: 0.65, val: 0.23, test: 0.12 }, seed: 3 },
  'random_sampler-0': { count: 5, seed: 0 },
  'random_sampler-1': { count: 12, seed: 1 },
  'random_sampler-2': { count: 100, seed: 2 },
  'random_sampler-3': { count: 4, seed: 3, subset: 'test_batch' },
  'random_sampler-5': { count: 28, seed: 5 },
  'label_random_sampler-1': { count: 2, seed: 1 },
  'label_random_sampler-2': { count: 3, labelCounts: { cat: 1, bird: 0 }, seed: 9 },
  'ndr-1': { workingSubset: 'data_batch_1', seed: 1 },
  'ndr-2': { workingSubset: 'data_batch_1', seed: 2 },
  'ndr-cut-uniform': { workingSubset: 'data_batch_1', numCut: 20, underSample: 'uniform', seed: 4 },
  'ndr-cut-random': { workingSubset: 'data_batch_1', numCut: 29, overSample: 'random', seed: 5 },
  'ndr-cut-inverse': { workingSubset: 'data_batch_1', numCut: 9, underSample: 'inverse', seed: 6 },
  'ndr-cut-similarity': { workingSubset: 'data_batch_1', numCut: 29, overSample: 'similarity', seed: 4 },
};

const inputs = new Map<string, Promise<Dataset>>();
function input(c: Case): Promise<Dataset> {
  const key = `${c.input}|${c.format}`;
  if (!inputs.has(key)) inputs.set(key, Dataset.importFrom(join(DIR, c.input), c.format as FormatName));
  return inputs.get(key)!;
}

/** Per subset, the items in order, as Datumaro describes them (no pixels). */
function describeItems(ds: Dataset): Map<string, unknown[]> {
  const names = ds.labels.items.map((l) => l.name);
  const out = new Map<string, unknown[]>();
  for (const item of ds) {
    const m = item.media;
    const entry = {
      id: item.id,
      labels: item.annotations.map((a) => names[a.label] ?? a.label),
      attributes: item.attributes,
      ...(m ? { h: m.height, w: m.width, sha256: sha256(m.data) } : {}),
    };
    if (!out.has(item.subset)) out.set(item.subset, []);
    out.get(item.subset)!.push(entry);
  }
  return out;
}

function expectedItems(e: Expected): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const { subset, id, labels, attributes, h, w, sha256 } of e.items) {
    if (!out.has(subset)) out.set(subset, []);
    out.get(subset)!.push({ id, labels, attributes, ...(h === undefined ? {} : { h, w, sha256 }) });
  }
  return out;
}

/**
 * `anyOrder`: compare each subset's items sorted by id. For ImageNet folders only: Datumaro lists
 * their files in the file system's order, cifarkit sorts them.
 */
function expectSame(ds: Dataset, e: Expected, anyOrder = false): void {
  expect(ds.labels.items.map((l) => l.name)).toEqual(e.labels);
  expect(ds.labels.items.map((l) => l.parent)).toEqual(e.parents);
  expect([...ds.subsets()].sort()).toEqual([...new Set(e.items.map((i) => i.subset))].sort());
  const sorted = (m: Map<string, unknown[]>) =>
    anyOrder ? new Map([...m].map(([k, v]) => [k, [...v].sort((a, b) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1))])) : m;
  expect(sorted(describeItems(ds))).toEqual(sorted(expectedItems(e)));
}

it('the fixture was written by Datumaro 1.9.1 and covers every case', () => {
  expect(FIXTURE.datumaro).toBe('1.9.1');
  expect(FIXTURE.cases.map((c) => c.name).sort()).toEqual(Object.keys(API_OPTIONS).sort());
});

const EXACT = FIXTURE.cases.filter((c) => c.transform !== 'resize');
describe.each(EXACT.map((c) => [c.name, c] as const))('%s: as Datumaro', (_, c) => {
  it(`from the command line: ${c.transform} -- ${c.argv.join(' ')}`, async () => {
    const ds = await input(c);
    expectSame(ds.transform(c.transform as TransformName, parseTransformArgs(c.transform, c.argv)), c.expected, c.format === 'imagenet');
  });
  it('from the API options', async () => {
    const ds = await input(c);
    expectSame(ds.transform(c.transform as TransformName, API_OPTIONS[c.name]!), c.expected, c.format === 'imagenet');
  });
});

const RESIZE = FIXTURE.cases.filter((c) => c.transform === 'resize');
describe.each(BACKENDS)('resize as Datumaro (%s backend)', (backend) => {
  describe.each(RESIZE.map((c) => [c.name, c] as const))('%s', (_, c) => {
    it("every pixel is Datumaro's, and OpenCV's values are the same doubles", async () => {
      await withBackend(backend, async () => {
        const ds = await input(c);
        const options = API_OPTIONS[c.name] as { width: number; height: number };
        // Ids, labels, sizes and the sha256 of the pixels of every item.
        expectSame(ds.transform('resize', parseTransformArgs('resize', c.argv)), c.expected);
        expectSame(ds.transform('resize', options as never), c.expected);
        for (const e of c.expected.items) {
          const m = ds.get(e.id, e.subset)!.media!;
          const values = resizeValues(m.data, m.width, m.height, m.channels, options.width, options.height);
          expect(sha256(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))).toBe(e.float_sha256);
        }
      });
    });
  });
});

describe('correct: as Datumaro with the report of its classification validator', () => {
  const { input: spec, reports, datumaro_report: datumaroReport, expected } = FIXTURE.correct;
  const dataset = (): Dataset =>
    Dataset.fromIterable(
      spec.items.map(
        (i, k) => new DatasetItem({ id: i.id, subset: i.subset, media: Image.fromHWC(new Uint8Array(12).fill(k), 2, 2), annotations: i.labels.map((l) => new Label(l)) }),
      ),
      { labels: spec.labels },
    );
  /** Items without pixels (the fixture's are Datumaro's random ones). */
  const shape = (ds: Dataset) => [...ds].map((i) => [i.subset, i.id, i.annotations.map((a) => ds.labels.items[a.label]?.name ?? a.label)]);
  const want = expected.items.map((i) => [i.subset, i.id, i.labels]);

  it("Datumaro's report had the anomalies correct acts on", () => {
    expect(reports).toEqual(expect.arrayContaining(['MissingAnnotation', 'MultiLabelAnnotations', 'UndefinedLabel']));
  });
  it('runs the label checks itself', () => {
    const out = dataset().transform('correct', {});
    expect(out.labels.items.map((l) => l.name)).toEqual(expected.labels);
    expect(shape(out)).toEqual(want);
  });
  it("applies Datumaro's own validation_reports.json", () => {
    const out = dataset().transform('correct', { report: datumaroReport as never });
    expect(out.labels.items.map((l) => l.name)).toEqual(expected.labels);
    expect(shape(out)).toEqual(want);
  });
  it("applies validate's report, and the command line takes no options", async () => {
    const ds = dataset();
    const out = ds.transform('correct', { report: ds.validate() });
    expect(out.labels.items.map((l) => l.name)).toEqual(expected.labels);
    expect(shape(out)).toEqual(want);
    expect(shape(ds.transform('correct', parseTransformArgs('correct', [])))).toEqual(want);
    await expectCifarkitError(() => parseTransformArgs('correct', ['-r', 'validation_reports.json']), 'INVALID_ARGUMENT', ["'-r'"]);
  });
});

it("ndr's random over-sampling lists the removed images in CPython's set order", () => {
  const orders = FIXTURE.set_orders;
  expect(orders.some((o) => o.order.join() !== o.rest.join())).toBe(true); // the order is not always ascending
  for (const o of orders) expect(setDifferenceOrder(o.n, o.kept, o.rest)).toEqual(o.order);
});

describe('remove_attributes on item and label attributes, as Datumaro', () => {
  const { input: spec, cases } = FIXTURE.attributes;
  const dataset = () =>
    Dataset.fromIterable(
      spec.map((i) => new DatasetItem({ id: i.id, subset: i.subset, attributes: { ...i.attributes }, annotations: [new Label(0, { ...i.label_attributes })] })),
      { labels: ['cat'] },
    );
  for (const c of cases) {
    it(`-- ${c.argv.join(' ') || '(no options)'}`, () => {
      const out = dataset().transform('remove_attributes', parseTransformArgs('remove_attributes', c.argv));
      expect([...out].map((i) => ({ subset: i.subset, id: i.id, attributes: i.attributes, label_attributes: i.annotations.map((a) => a.attributes) }))).toEqual(c.items);
    });
  }
});

it('project_labels keeps a parent only when it is listed, as Datumaro', () => {
  const { input: spec, argv, expected } = FIXTURE.parents;
  const ds = Dataset.fromIterable(
    spec.items.map((i) => new DatasetItem({ id: i.id, subset: i.subset, annotations: [new Label(i.label)] })),
    { labels: spec.labels },
  );
  expectSame(ds.transform('project_labels', parseTransformArgs('project_labels', argv)), expected);
});
