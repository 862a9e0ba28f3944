import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, itemToXml } from '../../src/index.js';
import { expectCifarkitError, noise } from '../helpers.js';

const LABELS = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog'];
const DOG = 5;
const CAT = 3;

function image(seed: number, height = 32, width = 32, channels = 3): Image {
  return Image.fromHWC(noise(height * width * channels, seed), height, width, channels);
}

/** Dogs and cats: img_3 has both, img_4 is a dog without an image, img_5 has no label. */
function pets(): Dataset {
  return Dataset.fromIterable(
    [
      new DatasetItem({ id: 'img_1', subset: 'train', media: image(1), annotations: [new Label(DOG)] }),
      new DatasetItem({ id: 'img_2', subset: 'train', media: image(2), annotations: [new Label(CAT)] }),
      new DatasetItem({ id: 'img_3', subset: 'test', media: image(3, 16, 8), annotations: [new Label(CAT), new Label(DOG)] }),
      new DatasetItem({ id: 'img_4', subset: 'test', annotations: [new Label(DOG)] }),
      new DatasetItem({ id: 'img_5', subset: 'val', media: image(5, 28, 28, 1), annotations: [] }),
    ],
    { labels: LABELS },
  );
}

/** [subset, id, label names] of every item. */
function summary(ds: Dataset): [string, string, string[]][] {
  return [...ds].map((i) => [i.subset, i.id, i.annotations.map((a) => ds.labels.items[a.label]!.name)]);
}

const ids = (ds: Dataset): string[] => [...ds].map((i) => i.id);

describe('the XML view of an item (Datumaro DatasetItemEncoder)', () => {
  it('has id, subset, image (height, width, has_data) and one element per label annotation', () => {
    const ds = pets();
    expect(itemToXml(ds.get('img_3')!, ds.labels)).toBe(
      [
        '<item>',
        '  <id>img_3</id>',
        '  <subset>test</subset>',
        '  <image>',
        '    <height>16</height>',
        '    <width>8</width>',
        '    <has_data>1</has_data>',
        '  </image>',
        '  <annotation>',
        '    <id>0</id>',
        '    <type>label</type>',
        '    <group>0</group>',
        '    <label>cat</label>',
        '    <label_id>3</label_id>',
        '  </annotation>',
        '  <annotation>',
        '    <id>0</id>',
        '    <type>label</type>',
        '    <group>0</group>',
        '    <label>dog</label>',
        '    <label_id>5</label_id>',
        '  </annotation>',
        '</item>',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the image of an item without one; writes attributes as Python str() between type and group', () => {
    const item = new DatasetItem({
      id: 'a&b',
      annotations: [new Label(0, { score: 0.5, '7': true, 'is crowd': null, tiny: 1e-5, 'bad:name': 1, tags: ['x', 2] })],
    });
    expect(itemToXml(item, Dataset.fromIterable([], { labels: LABELS }).labels)).toBe(
      [
        '<item>',
        '  <id>a&amp;b</id>',
        '  <subset>default</subset>',
        '  <annotation>',
        '    <id>0</id>',
        '    <type>label</type>',
        '    <_7>True</_7>',
        '    <score>0.5</score>',
        '    <is-crowd>None</is-crowd>',
        '    <tiny>1e-05</tiny>',
        "    <tags>['x', 2]</tags>",
        '    <group>0</group>',
        '    <label>airplane</label>',
        '    <label_id>0</label_id>',
        '  </annotation>',
        '</item>',
        '',
      ].join('\n'),
    );
  });

  it('writes an empty label name when the dataset has no label categories (as Datumaro)', () => {
    const item = new DatasetItem({ id: 'x', annotations: [new Label(2)] });
    expect(itemToXml(item, Dataset.fromIterable([]).labels)).toContain('<label></label>\n    <label_id>2</label_id>');
  });
});

describe("filter '/item[annotation/label=\"dog\"]' in every mode", () => {
  it("mode 'i' (the default) keeps the items with a dog, all their annotations and nothing else", () => {
    const ds = pets();
    const dogs = ds.filter('/item[annotation/label="dog"]');
    expect(summary(dogs)).toEqual([
      ['train', 'img_1', ['dog']],
      ['test', 'img_3', ['cat', 'dog']],
      ['test', 'img_4', ['dog']],
    ]);
    expect(summary(ds.filter('/item[annotation/label="dog"]', { mode: 'i' }))).toEqual(summary(dogs));
    expect(ids(ds.filter('/item[annotation/label="dog"]', { mode: 'items' }))).toEqual(ids(dogs));
  });

  it("mode 'a' keeps every item with only the selected annotations", () => {
    const kept = pets().filter('/item/annotation[label="dog"]', { mode: 'a' });
    expect(summary(kept)).toEqual([
      ['train', 'img_1', ['dog']],
      ['train', 'img_2', []],
      ['test', 'img_3', ['dog']],
      ['test', 'img_4', ['dog']],
      ['val', 'img_5', []],
    ]);
    expect(kept.get('img_3')!.annotations[0]!.label).toBe(DOG);
  });

  it("mode 'i+a' is 'a' without the items left unannotated", () => {
    const expected = [
      ['train', 'img_1', ['dog']],
      ['test', 'img_3', ['dog']],
      ['test', 'img_4', ['dog']],
    ];
    for (const mode of ['i+a', 'a+i', 'items+annotations', 'annotations+items'] as const) {
      expect(summary(pets().filter('/item/annotation[label="dog"]', { mode }))).toEqual(expected);
    }
  });

  it("in annotation modes an expression that selects items, not annotations, keeps no annotation (as Datumaro)", () => {
    expect(summary(pets().filter('/item[annotation/label="dog"]', { mode: 'a' })).map(([, , l]) => l)).toEqual([[], [], [], [], []]);
    expect(pets().filter('/item[annotation/label="dog"]', { mode: 'i+a' }).size).toBe(0);
    // An empty string selects nothing either.
    expect(pets().filter('string(nothing)', { mode: 'a' }).size).toBe(5);
  });
});

describe('expressions on every field', () => {
  const cases: [string, string[]][] = [
    ['/item[id="img_2"]', ['img_2']],
    ['/item[starts-with(id, "img_") and substring(id, 5) > 3]', ['img_4', 'img_5']],
    ['/item[subset="test"]', ['img_3', 'img_4']],
    ['/item[subset!="train"]', ['img_3', 'img_4', 'img_5']],
    ['/item[image/width=32 and image/height=32]', ['img_1', 'img_2']],
    ['/item[image/width < image/height]', ['img_3']],
    ['/item[image/height * image/width < 1000]', ['img_3', 'img_5']],
    ['/item[image/has_data=1]', ['img_1', 'img_2', 'img_3', 'img_5']],
    ['/item[not(image)]', ['img_4']],
    ['/item[annotation/label_id=3]', ['img_2', 'img_3']],
    ['/item[annotation/type="label"]', ['img_1', 'img_2', 'img_3', 'img_4']],
    ['/item[not(annotation)]', ['img_5']],
    ['/item[annotation[label="cat"] and annotation[label="dog"]]', ['img_3']],
    // Relative to the item element, and non-node results by their Python truth value.
    ['annotation[label="cat"]', ['img_2', 'img_3']],
    ['count(annotation) > 1', ['img_3']],
    ['count(annotation)', ['img_1', 'img_2', 'img_3', 'img_4']],
    ['string(image/width)', ['img_1', 'img_2', 'img_3', 'img_5']],
    ['false()', []],
  ];
  for (const [expr, expected] of cases) {
    it(expr, () => {
      expect(ids(pets().filter(expr))).toEqual(expected);
    });
  }

  it('annotation attributes are elements', () => {
    const ds = Dataset.fromIterable(
      [
        new DatasetItem({ id: 'a', annotations: [new Label(0, { score: 0.9 }), new Label(1, { score: 0.2, occluded: true })] }),
        new DatasetItem({ id: 'b', annotations: [new Label(1, { score: 0.4, tiny: 1e-5 })] }),
      ],
      { labels: LABELS },
    );
    // Numbers are read as lxml reads them: exponents too; a missing element is NaN, not 0.
    expect(ids(ds.filter('/item/annotation[tiny < 0.001]'))).toEqual(['b']);
    expect(ids(ds.filter('/item[annotation/tiny * 1000 < 1]'))).toEqual(['b']);
    expect(ids(ds.filter('/item[not(annotation/tiny * 2 >= 0)]'))).toEqual(['a']);
    expect(summary(ds.filter('/item/annotation[score > 0.3]', { mode: 'a' }))).toEqual([
      ['default', 'a', ['airplane']],
      ['default', 'b', ['automobile']],
    ]);
    expect(ids(ds.filter('/item[annotation/occluded="True"]'))).toEqual(['a']);
  });
});

describe('what a filtered dataset keeps', () => {
  it('the label categories, the subset order (without subsets left empty) and the format', () => {
    const ds = pets();
    const kept = ds.filter('/item[subset="val" or subset="train"]');
    expect(kept.labels.items).toEqual(ds.labels.items);
    expect(kept.labels).not.toBe(ds.labels);
    expect(kept.subsets()).toEqual(['train', 'val']);
    expect(ds.filter('/item[annotation/label="dog"]').subsets()).toEqual(['train', 'test']);
    expect(kept.format).toBe(null);
  });

  it('the same images (no pixel copy), and the same items where nothing changed', () => {
    const ds = pets();
    const kept = ds.filter('/item/annotation[label="dog"]', { mode: 'a' });
    for (const item of kept) {
      const source = ds.get(item.id)!;
      expect(item.media).toBe(source.media);
      if (item.media) expect(item.media.data.buffer).toBe(source.media!.data.buffer);
    }
    expect(kept.get('img_1')).toBe(ds.get('img_1'));
    expect(kept.get('img_3')).not.toBe(ds.get('img_3'));
    expect(ds.get('img_3')!.annotations).toHaveLength(2);
  });

  it('an imported CIFAR-10 dataset, filtered by label, keeps its format', async () => {
    const ds = await Dataset.importFrom(join(import.meta.dirname, '../fixtures/datumaro/cifar10_dataset'));
    const cats = ds.filter('/item[annotation/label="cat"]');
    expect(summary(cats)).toEqual([
      ['test_batch', 'image_3', ['cat']],
      ['test_batch', 'image_5', ['cat']],
    ]);
    expect(cats.format).toBe(ds.format);
    expect(cats.subsets()).toEqual(['test_batch']);
  });
});

describe('filter functions', () => {
  it('an item predicate', () => {
    expect(ids(pets().filter((item) => item.media !== null && item.media.channels === 1))).toEqual(['img_5']);
  });

  it("an annotation predicate in modes 'a' and 'i+a'", () => {
    const ds = pets();
    const isCat = (_item: DatasetItem, ann: Label): boolean => ann.label === CAT;
    expect(summary(ds.filter(isCat, { mode: 'a' })).map(([, , l]) => l)).toEqual([[], ['cat'], ['cat'], [], []]);
    expect(summary(ds.filter(isCat, { mode: 'i+a' }))).toEqual([
      ['train', 'img_2', ['cat']],
      ['test', 'img_3', ['cat']],
    ]);
  });
});

describe('bad filters', () => {
  it('a malformed XPath: FILTER_INVALID naming the expression and the reason', async () => {
    const err = await expectCifarkitError(() => pets().filter('/item[annotation/label="dog"'), 'FILTER_INVALID', [
      `'/item[annotation/label="dog"'`,
      'XPath parse error',
      'ends too early',
    ]);
    expect(err.name).toBe('UsageError');
    await expectCifarkitError(() => pets().filter('/item[id=]'), 'FILTER_INVALID', ["'/item[id=]'", "unexpected ']'"]);
    await expectCifarkitError(() => pets().filter('/item[id="a"] #'), 'FILTER_INVALID', ['Unexpected character #']);
    await expectCifarkitError(() => pets().filter(''), 'FILTER_INVALID', ['XPath expression']);
  });

  it('an expression that cannot be evaluated: FILTER_INVALID naming the expression, the reason and the item', async () => {
    await expectCifarkitError(() => pets().filter('/item[matches(id, "1")]'), 'FILTER_INVALID', ["'/item[matches(id, \"1\")]'", 'Unknown function matches', 'img_1']);
    await expectCifarkitError(() => pets().filter('/item[id=$x]'), 'FILTER_INVALID', ['$x']);
  });

  it("an annotation mode with an expression that gives no nodes: FILTER_INVALID", async () => {
    await expectCifarkitError(() => pets().filter('count(annotation) > 0', { mode: 'a' }), 'FILTER_INVALID', ['annotation elements', 'a boolean']);
  });

  it('bad options: INVALID_ARGUMENT naming the option', async () => {
    await expectCifarkitError(() => pets().filter('/item', { mode: 'x' as never }), 'INVALID_ARGUMENT', ["'mode'", "'x'"]);
    await expectCifarkitError(() => pets().filter('/item', { mdoe: 'a' } as never), 'INVALID_ARGUMENT', ["'mdoe'"]);
    await expectCifarkitError(() => pets().filter(42 as never), 'FILTER_INVALID', ['42']);
  });
});
