import { expect, it } from 'vitest';
import { describe } from 'vitest';
import { Dataset, DatasetItem, Image, Label, parseTransformArgs, transformNames } from '../../src/index.js';
import { transformUsage } from '../../src/dataset/transforms/index.js';
import { expectCifarkitError, noise } from '../helpers.js';
import { describePython, runPython } from '../python.js';

const LABELS = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog'];

function image(seed: number): Image {
  return Image.fromHWC(noise(4 * 4 * 3, seed), 4, 4);
}

/** Six items over two subsets; labels by index into LABELS. */
function zoo(labels: Iterable<string | readonly [string, string?]> = LABELS): Dataset {
  const item = (id: string, subset: string, ...anns: number[]): DatasetItem =>
    new DatasetItem({ id, subset, media: image(id.length * 31 + anns.length), annotations: anns.map((l) => new Label(l)) });
  return Dataset.fromIterable(
    [
      item('frame_001', 'train', 5),
      item('frame_002', 'train', 3),
      item('frame_003', 'train', 0, 2),
      item('frame_004', 'test', 5, 3),
      item('frame_005', 'test', 4),
      item('frame_006', 'test'),
    ],
    { labels },
  );
}

/** [subset, id, label names] of every item. */
function summary(ds: Dataset): [string, string, string[]][] {
  return [...ds].map((i) => [i.subset, i.id, i.annotations.map((a) => ds.labels.items[a.label]!.name)]);
}

/** Every item's image is the very same object (and buffer) as the source item's at the same position. */
function expectSameImages(result: Dataset, source: Dataset): void {
  const a = [...result];
  const b = [...source];
  expect(a).toHaveLength(b.length);
  a.forEach((item, i) => {
    expect(item.media).toBe(b[i]!.media);
    expect(item.media!.data.buffer).toBe(b[i]!.media!.data.buffer);
  });
}

describe('remap_labels', () => {
  it('renames, joins two labels into one and deletes, remapping indices by name (default keep)', () => {
    const ds = zoo();
    const out = ds.transform('remap_labels', { mapping: { cat: 'pet', dog: 'pet', bird: '', airplane: 'plane' } });
    expect(out.labels.items.map((l) => l.name)).toEqual(['plane', 'automobile', 'pet', 'deer']);
    expect(summary(out)).toEqual([
      ['train', 'frame_001', ['pet']],
      ['train', 'frame_002', ['pet']],
      ['train', 'frame_003', ['plane']],
      ['test', 'frame_004', ['pet', 'pet']],
      ['test', 'frame_005', ['deer']],
      ['test', 'frame_006', []],
    ]);
    expect([...out].map((i) => i.annotations.map((a) => a.label))).toEqual([[2], [2], [0], [2, 2], [3], []]);
    expectSameImages(out, ds);
    expect(ds.labels.items).toHaveLength(6);
    expect(ds.get('frame_001')!.annotations[0]!.label).toBe(5);
  });

  it("default 'delete' keeps only the listed labels, in source order", () => {
    const out = zoo().transform('remap_labels', { mapping: [['dog', 'dog'], ['cat', 'kitty']], default: 'delete' });
    expect(out.labels.items.map((l) => l.name)).toEqual(['kitty', 'dog']);
    expect(summary(out).map(([, id, l]) => [id, l])).toEqual([
      ['frame_001', ['dog']],
      ['frame_002', ['kitty']],
      ['frame_003', []],
      ['frame_004', ['dog', 'kitty']],
      ['frame_005', []],
      ['frame_006', []],
    ]);
  });

  it('keeps parents that are not labels (CIFAR-100 superclasses) and follows parents that are', () => {
    const ds = zoo([['airplane', 'vehicles'], ['automobile', 'vehicles'], ['bird', 'animal'], ['cat', 'animal'], ['deer', 'bird'], ['dog', 'cat']]);
    const out = ds.transform('remap_labels', { mapping: { bird: 'avian', cat: '' } });
    expect(out.labels.items).toEqual([
      { name: 'airplane', parent: 'vehicles' },
      { name: 'automobile', parent: 'vehicles' },
      { name: 'avian', parent: 'animal' },
      { name: 'deer', parent: 'avian' },
      { name: 'dog', parent: '' },
    ]);
  });

  it('from the Datumaro command line', () => {
    const options = parseTransformArgs('remap_labels', ['-l', 'cat:dog', '-l', 'bird:', '--default', 'delete']);
    expect(options).toEqual({ mapping: [['cat', 'dog'], ['bird', '']], default: 'delete' });
    const out = zoo().transform('remap_labels', options);
    expect(out.labels.items.map((l) => l.name)).toEqual(['dog']);
    expect(summary(out).map(([, , l]) => l)).toEqual([[], ['dog'], [], ['dog'], [], []]);
    expect(parseTransformArgs('remap_labels', ['--label=cat:dog', '-lbird:'])).toEqual({ mapping: [['cat', 'dog'], ['bird', '']] });
  });

  it('bad options', async () => {
    await expectCifarkitError(() => zoo().transform('remap_labels', {} as never), 'INVALID_ARGUMENT', ["'mapping'", 'required']);
    await expectCifarkitError(() => zoo().transform('remap_labels', { mapping: { cat: 1 } } as never), 'INVALID_ARGUMENT', ["'mapping'", '["cat",1]']);
    await expectCifarkitError(() => zoo().transform('remap_labels', { mapping: {}, default: 'drop' } as never), 'INVALID_ARGUMENT', ["'default'", "'drop'"]);
    await expectCifarkitError(() => zoo().transform('remap_labels', { mapping: {}, defualt: 'keep' } as never), 'INVALID_ARGUMENT', ["'defualt'"]);
    await expectCifarkitError(() => parseTransformArgs('remap_labels', ['-l', 'cat']), 'INVALID_ARGUMENT', ["'--label'", "'cat'"]);
    await expectCifarkitError(() => parseTransformArgs('remap_labels', ['--default', 'x']), 'INVALID_ARGUMENT', ["'--default'", "'x'"]);
    await expectCifarkitError(() => parseTransformArgs('remap_labels', ['-x', '1']), 'INVALID_ARGUMENT', ["'-x'", '--label']);
    await expectCifarkitError(() => parseTransformArgs('remap_labels', ['-l']), 'INVALID_ARGUMENT', ["'-l'", 'needs a value']);
    await expectCifarkitError(() => parseTransformArgs('remap_labels', ['cat:dog']), 'INVALID_ARGUMENT', ["'cat:dog'"]);
  });

  it('refuses annotations whose index is not a label', async () => {
    const ds = Dataset.fromIterable([new DatasetItem({ id: 'x', annotations: [new Label(9)] })], { labels: ['a'] });
    await expectCifarkitError(() => ds.transform('remap_labels', { mapping: {} }), 'LABEL_OUT_OF_RANGE', ['9', "'x'"]);
  });
});

describe('rename', () => {
  it("Datumaro's '|pattern|replacement|' with Python syntax: \\1, \\g<name>, (?P<name>), {item.subset}", () => {
    const ds = zoo();
    const out = ds.transform('rename', { regex: '|^frame_0*(\\d+)$|{item.subset}_\\1|' });
    expect(summary(out).map(([s, id]) => [s, id])).toEqual([
      ['train', 'train_1'],
      ['train', 'train_2'],
      ['train', 'train_3'],
      ['test', 'test_4'],
      ['test', 'test_5'],
      ['test', 'test_6'],
    ]);
    expectSameImages(out, ds);
    expect(summary(out).map(([, , l]) => l)).toEqual(summary(ds).map(([, , l]) => l));
    const named = ds.transform('rename', { regex: '#(?P<word>[a-z]+)_(?P<n>\\d+)#\\g<n>-\\g<word>#' });
    expect([...named].map((i) => i.id)).toEqual(['001-frame', '002-frame', '003-frame', '004-frame', '005-frame', '006-frame']);
    // Every match is replaced (re.sub), the closing delimiter may be left out, {{ }} are braces.
    expect([...ds.transform('rename', { regex: '/0/o' })].map((i) => i.id)[0]).toBe('frame_oo1');
    expect([...ds.transform('rename', { regex: '|^|{{x}}|' })].map((i) => i.id)[0]).toBe('{x}frame_001');
    expect([...ds.transform('rename', { regex: '|(?i)FRAME||' })].map((i) => i.id)[0]).toBe('_001');
  });

  it('a JavaScript pattern and replacement ($1, $<name>, $&)', () => {
    const ds = zoo();
    const ids = (o: object) => [...ds.transform('rename', o as never)].map((i) => i.id);
    expect(ids({ pattern: 'frame_(\\d+)', replacement: 'img$1' })[0]).toBe('img001');
    expect(ids({ pattern: /(?<n>\d)$/, replacement: '[$<n>]' })[1]).toBe('frame_00[2]');
    expect(ids({ pattern: '0', replacement: '$&$$' })[0]).toBe('frame_0$0$1');
    expect(ids({ pattern: '^', replacement: '{item.subset}/' })[3]).toBe('test/frame_004');
  });

  it('from the Datumaro command line', () => {
    expect(parseTransformArgs('rename', ['-e', '|^frame_||'])).toEqual({ regex: '|^frame_||' });
    expect([...zoo().transform('rename', parseTransformArgs('rename', ['--regex', '|^frame_||']))].map((i) => i.id)[0]).toBe('001');
  });

  it('refuses ids that collide or become empty, and bad expressions', async () => {
    const ds = zoo();
    await expectCifarkitError(() => ds.transform('rename', { regex: '|_00[12]$||' }), 'DUPLICATE_ITEM', ["'frame'", "'train'", "'frame_001'", "'frame_002'"]);
    await expectCifarkitError(() => ds.transform('rename', { regex: '|.*||' }), 'INVALID_ARGUMENT', ['empty id', "'frame_001'"]);
    await expectCifarkitError(() => ds.transform('rename', { regex: '|a|b|c|' }), 'INVALID_ARGUMENT', ["'regex'", 'exactly three times']);
    await expectCifarkitError(() => ds.transform('rename', { regex: '|(|x|' }), 'INVALID_ARGUMENT', ["'regex'", 'not a valid regular expression']);
    await expectCifarkitError(() => ds.transform('rename', { regex: '|a|\\2|' }), 'INVALID_ARGUMENT', ["'regex'", 'group 2']);
    await expectCifarkitError(() => ds.transform('rename', { regex: '|a|{item.name}|' }), 'INVALID_ARGUMENT', ['{item.name}', '{item.id}']);
    await expectCifarkitError(() => ds.transform('rename', { regex: '|a|\\q|' }), 'INVALID_ARGUMENT', ['bad escape']);
    await expectCifarkitError(() => ds.transform('rename', { pattern: 'a' } as never), 'INVALID_ARGUMENT', ["'replacement'"]);
    await expectCifarkitError(() => ds.transform('rename', {} as never), 'INVALID_ARGUMENT', ['regex']);
  });
});

describe('random_split', () => {
  function ten(): Dataset {
    return Dataset.fromIterable(
      Array.from({ length: 10 }, (_, i) => new DatasetItem({ id: `img_${i}`, subset: i < 5 ? 'a' : 'b', media: image(i), annotations: [new Label(i % 6)] })),
      { labels: LABELS },
    );
  }
  // What Datumaro's RandomSplit gives (Python: random.seed(seed); random.shuffle(list(range(10)))).
  const SEED_42 = ['test', 'test', 'train', 'train', 'test', 'train', 'train', 'train', 'train', 'test'];
  const SEED_7 = ['train', 'train', 'test', 'train', 'train', 'test', 'test', 'train', 'train', 'test'];

  it("splits by Datumaro's rule, the same as Datumaro for a seed, items keeping ids, labels and images", () => {
    const ds = ten();
    const out = ds.transform('random_split', { splits: { train: 0.67, test: 0.33 }, seed: 42 });
    expect([...out].map((i) => i.subset)).toEqual(SEED_42);
    expect([...out].map((i) => i.id)).toEqual([...ds].map((i) => i.id));
    expect([...out].map((i) => i.annotations[0]!.label)).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3]);
    expect(out.subsets()).toEqual(['train', 'test']);
    expect(out.getSubset('train')).toHaveLength(6); // int(0.67 * 10)
    expect(out.getSubset('test')).toHaveLength(4);
    expectSameImages(out, ds);
  });

  it('is deterministic for a seed, different for another, and has the default train .67 / test .33', () => {
    const subsets = (o: object) => [...ten().transform('random_split', o as never)].map((i) => i.subset);
    expect(subsets({ seed: 42 })).toEqual(SEED_42);
    expect(subsets({ seed: 42 })).toEqual(SEED_42);
    expect(subsets({ seed: 7 })).toEqual(SEED_7);
    expect(subsets({ splits: [['train', 0.5], ['val', 0.2], ['test', 0.3]], seed: 1 })).toEqual(
      ['val', 'test', 'test', 'val', 'test', 'train', 'train', 'train', 'train', 'train'],
    );
    const random = subsets({});
    expect(random.filter((s) => s === 'train')).toHaveLength(6);
  });

  it('exact counts: floor of the running sum times n, the rest to the last subset', () => {
    const ds = Dataset.fromIterable(Array.from({ length: 7 }, (_, i) => new DatasetItem({ id: `${i}` })));
    const out = ds.transform('random_split', { splits: { a: 1 / 3, b: 1 / 3, c: 1 / 3 }, seed: 3 });
    expect([...out].map((i) => i.subset)).toEqual(['a', 'c', 'a', 'b', 'c', 'c', 'b']);
    expect(['a', 'b', 'c'].map((s) => out.getSubset(s).length)).toEqual([2, 2, 3]);
    const big = Dataset.fromIterable(Array.from({ length: 1000 }, (_, i) => new DatasetItem({ id: `${i}` })));
    const parts = big.transform('random_split', { splits: { train: 0.7, val: 0.15, test: 0.15 }, seed: 0 });
    expect(parts.subsets().map((s) => parts.getSubset(s).length)).toEqual([700, 150, 150]);
  });

  it('from the Datumaro command line', () => {
    const options = parseTransformArgs('random_split', ['-s', 'train:.67', '--subset', 'test:0.33', '--seed', '42']);
    expect(options).toEqual({ splits: [['train', 0.67], ['test', 0.33]], seed: 42 });
    expect([...ten().transform('random_split', options)].map((i) => i.subset)).toEqual(SEED_42);
  });

  it('bad options', async () => {
    const ds = ten();
    await expectCifarkitError(() => ds.transform('random_split', { splits: { train: 0.5, test: 0.4 } }), 'INVALID_ARGUMENT', ["'splits'", 'sum to 0.9']);
    await expectCifarkitError(() => ds.transform('random_split', { splits: { train: 1.5, test: -0.5 } }), 'INVALID_ARGUMENT', ["'splits'", '1.5', '[0, 1]']);
    await expectCifarkitError(() => ds.transform('random_split', { splits: {} }), 'INVALID_ARGUMENT', ["'splits'", 'at least one']);
    await expectCifarkitError(() => ds.transform('random_split', { splits: { train: 1 }, seed: 1.5 }), 'INVALID_ARGUMENT', ["'seed'", '1.5']);
    await expectCifarkitError(() => ds.transform('random_split', { splits: [['train']] } as never), 'INVALID_ARGUMENT', ["'splits'"]);
    await expectCifarkitError(() => parseTransformArgs('random_split', ['-s', 'train:lots']), 'INVALID_ARGUMENT', ["'--subset'", "'lots'"]);
    await expectCifarkitError(() => parseTransformArgs('random_split', ['--seed', 'x']), 'INVALID_ARGUMENT', ["'--seed'", "'x'"]);
    // Sums within 1e-6 of 1 are accepted.
    expect(ds.transform('random_split', { splits: { a: 0.3333333, b: 0.6666666 }, seed: 1 }).size).toBe(10);
  });

  it('refuses to put two items with one id into one subset', async () => {
    const ds = Dataset.fromIterable([new DatasetItem({ id: '0', subset: 'train' }), new DatasetItem({ id: '0', subset: 'test' })]);
    await expectCifarkitError(() => ds.transform('random_split', { splits: { all: 1 } }), 'DUPLICATE_ITEM', ["'0'", "'all'"]);
  });
});

describePython('random_split gives the split CPython (and so Datumaro) gives', () => {
  it('for several sizes, ratios and seeds', () => {
    const cases: [number, [string, number][], number][] = [
      [100, [['train', 0.8], ['test', 0.2]], 2024],
      [37, [['a', 0.1], ['b', 0.6], ['c', 0.3]], -17],
      [1234, [['x', 0.25], ['y', 0.75]], 2 ** 40 + 5],
    ];
    for (const [n, splits, seed] of cases) {
      const script = `
import random, json, sys
n, splits, seed = json.loads(sys.argv[1])
idx = list(range(n)); random.seed(seed); random.shuffle(idx)
out = [None] * n; s = 0; lower = 0
for k, (name, ratio) in enumerate(splits):
    s += ratio; upper = n if k == len(splits) - 1 else int(s * n)
    for p in idx[lower:upper]: out[p] = name
    lower = upper
print(json.dumps(out))`;
      const expected = JSON.parse(runPython(script, undefined, [JSON.stringify([n, splits, seed])]));
      const ds = Dataset.fromIterable(Array.from({ length: n }, (_, i) => new DatasetItem({ id: `${i}` })));
      expect([...ds.transform('random_split', { splits, seed })].map((i) => i.subset)).toEqual(expected);
    }
  });
});

describe('map_subsets', () => {
  it('renames subsets, keeping their order, ids, labels and images', () => {
    const ds = zoo();
    const out = ds.transform('map_subsets', { mapping: { train: 'training' } });
    expect(out.subsets()).toEqual(['training', 'test']);
    expect(summary(out).map(([s, id]) => `${s}/${id}`)).toEqual([
      'training/frame_001',
      'training/frame_002',
      'training/frame_003',
      'test/frame_004',
      'test/frame_005',
      'test/frame_006',
    ]);
    expectSameImages(out, ds);
    expect(out.get('frame_004')).toBe(ds.get('frame_004'));
  });

  it("joins subsets, and '' is 'default'", () => {
    const out = zoo().transform('map_subsets', { mapping: [['train', 'all'], ['test', 'all']] });
    expect(out.subsets()).toEqual(['all']);
    expect(out.getSubset('all')).toHaveLength(6);
    expect(zoo().transform('map_subsets', { mapping: { test: '' } }).subsets()).toEqual(['train', 'default']);
  });

  it('from the Datumaro command line, and bad options', async () => {
    expect(parseTransformArgs('map_subsets', ['-s', 'train:a', '--subset=test:b'])).toEqual({ mapping: [['train', 'a'], ['test', 'b']] });
    await expectCifarkitError(() => parseTransformArgs('map_subsets', ['-s', 'a:b:c']), 'INVALID_ARGUMENT', ["'--subset'", "'a:b:c'"]);
    await expectCifarkitError(() => zoo().transform('map_subsets', { mapping: 'train:a' } as never), 'INVALID_ARGUMENT', ["'mapping'"]);
    const clash = Dataset.fromIterable([new DatasetItem({ id: '1', subset: 'a' }), new DatasetItem({ id: '1', subset: 'b' })]);
    await expectCifarkitError(() => clash.transform('map_subsets', { mapping: { a: 'b' } }), 'DUPLICATE_ITEM', ["'1'", "'b'"]);
  });
});

describe('remove_items, remove_images, remove_annotations, remove_attributes', () => {
  it('remove_items drops the items named, by id and subset or by id alone', () => {
    const ds = zoo();
    const out = ds.transform('remove_items', { ids: [['frame_001', 'train'], ['frame_004', 'train'], ['frame_006']] });
    expect(summary(out).map(([s, id]) => `${s}/${id}`)).toEqual(['train/frame_002', 'train/frame_003', 'test/frame_004', 'test/frame_005']);
    expect(out.get('frame_002')).toBe(ds.get('frame_002'));
  });

  it('remove_images keeps the items and their labels, without images', () => {
    const ds = zoo();
    const out = ds.transform('remove_images', { ids: [['frame_002', 'train'], ['frame_005']] });
    expect([...out].map((i) => i.media === null)).toEqual([false, true, false, false, true, false]);
    expect(summary(out)).toEqual(summary(ds));
    expect(out.get('frame_001')!.media).toBe(ds.get('frame_001')!.media);
  });

  it('remove_annotations empties the items named', () => {
    const ds = zoo();
    const out = ds.transform('remove_annotations', { ids: [['frame_004', 'test'], ['frame_003', 'test']] });
    expect(summary(out).map(([, , l]) => l)).toEqual([['dog'], ['cat'], ['airplane', 'bird'], [], ['deer'], []]);
    expectSameImages(out, ds);
  });

  it('remove_attributes drops item and annotation attributes (all, or by name)', () => {
    const ds = Dataset.fromIterable([
      new DatasetItem({ id: 'a', subset: 's', attributes: { source: 'web', q: 1 }, annotations: [new Label(0, { occluded: true, score: 1 })] }),
      new DatasetItem({ id: 'b', subset: 's', attributes: { source: 'cam' }, annotations: [new Label(0, { score: 2 })] }),
    ], { labels: ['x'] });
    const some = ds.transform('remove_attributes', { attributes: ['score', 'source'] });
    expect([...some].map((i) => [i.attributes, i.annotations[0]!.attributes])).toEqual([
      [{ q: 1 }, { occluded: true }],
      [{}, {}],
    ]);
    const all = ds.transform('remove_attributes', { ids: [['b', 's']] });
    expect([...all].map((i) => [i.attributes, i.annotations[0]!.attributes])).toEqual([
      [{ source: 'web', q: 1 }, { occluded: true, score: 1 }],
      [{}, {}],
    ]);
    expect(parseTransformArgs('remove_attributes', ['--id', 'b:s', '-a', 'score'])).toEqual({ ids: [['b', 's']], attributes: ['score'] });
  });

  it("from Datumaro's --id <id>:<subset> (ids may contain ':'), and bad options", async () => {
    expect(parseTransformArgs('remove_items', ['--id', 'frame_001:train', '--id', 'frame_006', '--id=a:b:test'])).toEqual({
      ids: [['frame_001', 'train'], ['frame_006'], ['a:b', 'test']],
    });
    await expectCifarkitError(() => zoo().transform('remove_items', {} as never), 'INVALID_ARGUMENT', ["'ids'", 'required']);
    await expectCifarkitError(() => zoo().transform('remove_images', { ids: ['frame_001'] } as never), 'INVALID_ARGUMENT', ["'ids'", '"frame_001"']);
    await expectCifarkitError(() => parseTransformArgs('remove_annotations', ['--id', ':train']), 'INVALID_ARGUMENT', ["'--id'", "':train'"]);
  });
});

describe('transform names and options', () => {
  it('an unknown transform: TRANSFORM_UNKNOWN listing the known ones', async () => {
    const err = await expectCifarkitError(() => zoo().transform('tile' as never, {} as never), 'TRANSFORM_UNKNOWN', ["'tile'", 'remap_labels', 'random_split', 'remove_images']);
    expect(err.name).toBe('UsageError');
    await expectCifarkitError(() => parseTransformArgs('shuffle', []), 'TRANSFORM_UNKNOWN', ["'shuffle'"]);
    await expectCifarkitError(() => zoo().transform('map_subsets', 'train:a' as never), 'INVALID_ARGUMENT', ['options must be an object']);
  });

  it('lists its transforms and their command-line usage', () => {
    expect(transformNames()).toEqual([
      'remap_labels',
      'rename',
      'random_split',
      'map_subsets',
      'remove_items',
      'remove_images',
      'remove_annotations',
      'remove_attributes',
      'remove_duplicates',
      'reindex',
      'sort',
      'id_from_image_name',
      'project_labels',
      'resize',
      'split',
      'random_sampler',
      'label_random_sampler',
      'ndr',
      'correct',
    ]);
    expect(transformUsage('remap_labels')).toContain('-l, --label <src>:<dst>');
    expect(transformUsage('resize')).toContain('-dw, --width <int>');
    expect(transformUsage('reindex')).toContain('--reindex-each-subset');
    expect(transformUsage('random_split')).toContain('--seed <int>');
  });

  it('keeps the label categories (a copy) and the format', () => {
    const ds = zoo();
    const out = ds.transform('remove_items', { ids: [] });
    expect(out.labels.items).toEqual(ds.labels.items);
    expect(out.labels).not.toBe(ds.labels);
    expect(out.format).toBe(ds.format);
    expect(summary(out)).toEqual(summary(ds));
  });
});
