/**
 * The new transforms' options and bad input: every refusal is a CifarkitError with a stable code
 * (the Datumaro comparisons are in datumaro-transforms.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, parseTransformArgs } from '../../src/index.js';
import { NumpyRandomState } from '../../src/dataset/transforms/numpy-random.js';
import { stemOf } from '../../src/dataset/transforms/id-from-image-name.js';
import { expectCifarkitError, noise } from '../helpers.js';

function ds(): Dataset {
  const img = (s: number) => Image.fromHWC(noise(4 * 4 * 3, s), 4, 4);
  return Dataset.fromIterable(
    [
      new DatasetItem({ id: 'b', subset: 'train', media: img(1), annotations: [new Label(0, { k: 'v' })], attributes: { a: 1 } }),
      new DatasetItem({ id: 'a', subset: 'train', media: img(2), annotations: [new Label(1)] }),
      new DatasetItem({ id: '\u{1F600}', subset: 'test', media: img(3), annotations: [new Label(0)] }),
      new DatasetItem({ id: '\uFFFD', subset: 'test', media: null, annotations: [] }),
    ],
    { labels: [['cat', 'animal'], ['dog', 'cat'], ['car', '']] },
  );
}
const rows = (d: Dataset) => [...d].map((i) => [i.subset, i.id, i.annotations.map((a) => d.labels.items[a.label]!.name)]);

describe('reindex', () => {
  it('numbers all items, or each subset, from start', () => {
    expect([...ds().transform('reindex', {})].map((i) => i.id)).toEqual(['1', '2', '3', '4']);
    expect([...ds().transform('reindex', { start: 0, eachSubset: true })].map((i) => `${i.subset}:${i.id}`)).toEqual(['train:0', 'train:1', 'test:0', 'test:1']);
    expect(parseTransformArgs('reindex', ['-s', '5', '--reindex-each-subset'])).toEqual({ start: 5, eachSubset: true });
  });
  it('refuses bad options', async () => {
    await expectCifarkitError(() => ds().transform('reindex', { start: 1.5 }), 'INVALID_ARGUMENT', ["'start'", '1.5']);
    await expectCifarkitError(() => ds().transform('reindex', { eachSubset: 'yes' } as never), 'INVALID_ARGUMENT', ["'eachSubset'"]);
    await expectCifarkitError(() => parseTransformArgs('reindex', ['--reindex-each-subset=1']), 'INVALID_ARGUMENT', ['takes no value']);
    await expectCifarkitError(() => parseTransformArgs('reindex', ['-s', 'one']), 'INVALID_ARGUMENT', ["'--start'", "'one'"]);
  });
});

describe('sort', () => {
  it('sorts by code point, as Python (an astral character after U+FFFD), stable, or by a key function', () => {
    expect([...ds().transform('sort', {})].map((i) => i.id)).toEqual(['a', 'b', '\uFFFD', '\u{1F600}']);
    expect([...ds().transform('sort', { key: (i) => -i.annotations.length })].map((i) => i.id)).toEqual(['b', 'a', '\u{1F600}', '\uFFFD']);
  });
  it("refuses Datumaro's Python --key and bad keys", async () => {
    await expectCifarkitError(() => parseTransformArgs('sort', ['-k', 'lambda item: item.id']), 'INVALID_ARGUMENT', ['Python expression']);
    await expectCifarkitError(() => ds().transform('sort', { key: 'id' } as never), 'INVALID_ARGUMENT', ["'key'"]);
    await expectCifarkitError(() => ds().transform('sort', { key: (i: DatasetItem) => (i.id === 'a' ? 1 : 'x') }), 'INVALID_ARGUMENT', ['strings and numbers']);
  });
});

describe('id_from_image_name', () => {
  it('takes the name as os.path.splitext(basename)', () => {
    expect(['cat/img.png', 'a/photo.2024.png', 'x/.hidden', 'x/..png', 'noext', 'd/a.b/c'].map(stemOf)).toEqual(['img', 'photo.2024', '.hidden', '..png', 'noext', 'c']);
  });
  it('keeps ids of images without a file, refuses two items with one name', async () => {
    const img = (path: string) => new Image(new Uint8Array(3), 1, 1, 3, { path });
    const two = Dataset.fromIterable([new DatasetItem({ id: 'cat:x', media: img('cat/x.png') }), new DatasetItem({ id: 'dog:x', media: img('dog/x.jpg') })]);
    await expectCifarkitError(() => two.transform('id_from_image_name', {}), 'DUPLICATE_ITEM', ["'x'"]);
    expect([...ds().transform('id_from_image_name', {})].map((i) => i.id)).toEqual(['b', 'a', '\u{1F600}', '\uFFFD']);
  });
});

describe('project_labels', () => {
  it('reorders, adds and removes labels; parents stay only when listed', () => {
    const out = ds().transform('project_labels', { labels: ['dog', 'new', 'cat'] });
    expect(out.labels.items).toEqual([{ name: 'dog', parent: 'cat' }, { name: 'new', parent: '' }, { name: 'cat', parent: '' }]);
    expect(rows(out)).toEqual([['train', 'b', ['cat']], ['train', 'a', ['dog']], ['test', '\u{1F600}', ['cat']], ['test', '\uFFFD', []]]);
    expect(out.get('b')!.annotations[0]!.attributes).toEqual({ k: 'v' });
  });
  it('refuses a missing list and a name twice', async () => {
    await expectCifarkitError(() => ds().transform('project_labels', {} as never), 'INVALID_ARGUMENT', ["'labels'"]);
    await expectCifarkitError(() => ds().transform('project_labels', { labels: ['a', 'a'] }), 'INVALID_ARGUMENT', ["'a'", 'twice']);
  });
});

describe('resize', () => {
  it('keeps same-size images, refuses items without images and bad sizes', async () => {
    const one = Dataset.fromIterable([new DatasetItem({ id: 'x', media: Image.fromHWC(noise(12, 1), 2, 2) })]);
    expect(one.transform('resize', { width: 2, height: 2 }).get('x')!.media).toBe(one.get('x')!.media);
    const m = one.transform('resize', { width: 3, height: 1 }).get('x')!.media!;
    expect([m.width, m.height, m.channels, m.data.length]).toEqual([3, 1, 3, 9]);
    await expectCifarkitError(() => ds().transform('resize', { width: 2, height: 2 }), 'INVALID_ARGUMENT', ["'\uFFFD'", 'no image']);
    await expectCifarkitError(() => one.transform('resize', { width: 0, height: 2 }), 'INVALID_ARGUMENT', ["'width'"]);
    await expectCifarkitError(() => one.transform('resize', { width: 65535, height: 65535 }), 'INVALID_ARGUMENT', ['16777216-pixel limit']);
    await expectCifarkitError(() => one.transform('resize', { width: 2 } as never), 'INVALID_ARGUMENT', ["'height'"]);
    await expectCifarkitError(() => parseTransformArgs('resize', ['-dw', '0']), 'INVALID_ARGUMENT', ["'--width'", '>= 1']);
    expect(parseTransformArgs('resize', ['-dw', '8', '--height=4'])).toEqual({ width: 8, height: 4 });
  });
});

describe('split', () => {
  it('refuses other tasks, bad ratios and seeds', async () => {
    await expectCifarkitError(() => ds().transform('split', { task: 'detection' } as never), 'INVALID_ARGUMENT', ["'detection'", 'classification']);
    await expectCifarkitError(() => ds().transform('split', { splits: { a: 0.5, b: 0.4 } }), 'INVALID_ARGUMENT', ['sum to 0.9']);
    await expectCifarkitError(() => ds().transform('split', { splits: [['a', 0.5], ['a', 0.5]] }), 'INVALID_ARGUMENT', ["'a' twice"]);
    await expectCifarkitError(() => ds().transform('split', { splits: { a: 1 }, seed: -1 }), 'INVALID_ARGUMENT', ["'seed'", '2**32']);
    await expectCifarkitError(() => ds().transform('split', { splits: { a: 1 }, seed: 2 ** 32 }), 'INVALID_ARGUMENT', ["'seed'"]);
    await expectCifarkitError(() => parseTransformArgs('split', ['--seed', '-1']), 'INVALID_ARGUMENT', ["'--seed'"]);
    await expectCifarkitError(() => parseTransformArgs('split', ['-t', 'nope']), 'INVALID_ARGUMENT', ["'--task'", "'nope'"]);
  });
  it('the default ratios are .5/.2/.3; unlabelled and multi-labelled items are split too', () => {
    const many = Dataset.fromIterable(
      Array.from({ length: 40 }, (_, i) => new DatasetItem({ id: `i${i}`, annotations: i % 7 === 0 ? [] : [new Label(i % 3)] })),
      { labels: ['a', 'b', 'c'] },
    );
    const out = many.transform('split', { seed: 1 });
    const count = (s: string) => out.getSubset(s).length;
    expect([count('train'), count('val'), count('test')]).toEqual([20, 8, 12]);
    expect(out.transform('split', { seed: 1 }).subsets()).toEqual(out.subsets());
  });
});

describe('samplers', () => {
  it('random_sampler: count 0 keeps nothing (or only the other subsets)', () => {
    expect(ds().transform('random_sampler', { count: 0, seed: 1 }).size).toBe(0);
    expect(rows(ds().transform('random_sampler', { count: 0, subset: 'test', seed: 1 })).map((r) => r[1])).toEqual(['b', 'a']);
  });
  it('refuses bad counts', async () => {
    await expectCifarkitError(() => ds().transform('random_sampler', {} as never), 'INVALID_ARGUMENT', ["'count'", 'required']);
    await expectCifarkitError(() => ds().transform('random_sampler', { count: -1 }), 'INVALID_ARGUMENT', ["'count'"]);
    await expectCifarkitError(() => ds().transform('label_random_sampler', { count: 0 }), 'INVALID_ARGUMENT', ['at least one']);
    await expectCifarkitError(() => ds().transform('label_random_sampler', { labelCounts: { cat: -2 } }), 'INVALID_ARGUMENT', ["'cat'"]);
    await expectCifarkitError(() => parseTransformArgs('label_random_sampler', ['-l', ':3']), 'INVALID_ARGUMENT', ["'--label'"]);
    await expectCifarkitError(() => parseTransformArgs('label_random_sampler', ['-l', 'cat:x']), 'INVALID_ARGUMENT', ["'--label'", "'x'"]);
  });
});

describe('ndr', () => {
  it('refuses a missing working subset, the same subset twice and a cut above the images', async () => {
    await expectCifarkitError(() => ds().transform('ndr', {}), 'INVALID_ARGUMENT', ["'default'", 'train, test']);
    await expectCifarkitError(() => ds().transform('ndr', { workingSubset: 'train', duplicatedSubset: 'train' }), 'INVALID_ARGUMENT', ['must differ']);
    await expectCifarkitError(() => ds().transform('ndr', { workingSubset: 'train', numCut: 3 }), 'INVALID_ARGUMENT', ['numCut 3', '2 images']);
    await expectCifarkitError(() => ds().transform('ndr', { workingSubset: 'train', algorithm: 'phash' } as never), 'INVALID_ARGUMENT', ["'algorithm'"]);
    await expectCifarkitError(() => parseTransformArgs('ndr', ['-e', 'smart']), 'INVALID_ARGUMENT', ["'--over_sample'", "'smart'"]);
  });
  it('moves items of the working subset without an image to the duplicated subset, as Datumaro', () => {
    const out = ds().transform('ndr', { workingSubset: 'test', seed: 3 });
    expect(rows(out).map((r) => `${r[0]}:${r[1]}`)).toEqual(['train:b', 'train:a', 'test:\u{1F600}', 'duplicated:\uFFFD']);
  });
});

describe('correct', () => {
  it('with no label categories, names them after the indices used, sorted (Datumaro\'s MissingLabelCategories)', () => {
    const bare = Dataset.fromIterable([new DatasetItem({ id: 'x', annotations: [new Label(3)] }), new DatasetItem({ id: 'y', annotations: [new Label(1)] })]);
    expect(bare.transform('correct', {}).labels.items.map((l) => l.name)).toEqual(['1', '3']);
  });
  it('refuses a report that is not one', async () => {
    await expectCifarkitError(() => ds().transform('correct', { report: {} } as never), 'INVALID_ARGUMENT', ["'report'"]);
    await expectCifarkitError(() => ds().transform('correct', { report: { labels: [{ type: 'MissingAnnotation' }] } } as never), 'INVALID_ARGUMENT', ['without its item']);
  });
});

describe("numpy's legacy RandomState", () => {
  it('refuses seeds numpy refuses', async () => {
    await expectCifarkitError(() => new NumpyRandomState(-1), 'INVALID_ARGUMENT', ['2**32']);
  });
});
