import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label } from '../../src/index.js';
import { expectCifarkitError, noise } from '../helpers.js';

function image(seed: number, height = 4, width = 4, channels = 3): Image {
  return Image.fromHWC(noise(height * width * channels, seed), height, width, channels);
}

function item(id: string, subset: string, media: Image | null, ...labels: number[]): DatasetItem {
  return new DatasetItem({ id, subset, media, annotations: labels.map((l) => new Label(l)) });
}

/** [subset, id, label names] of every item. */
function summary(ds: Dataset): [string, string, string[]][] {
  return [...ds].map((i) => [i.subset, i.id, i.annotations.map((a) => ds.labels.items[a.label]!.name)]);
}

describe('Dataset.merge', () => {
  it('joins label categories by name (first order, then new names) and remaps every annotation by name', () => {
    const a = Dataset.fromIterable([item('a1', 'train', image(1), 0), item('a2', 'train', image(2), 1)], { labels: ['cat', 'dog'] });
    const b = Dataset.fromIterable([item('b1', 'train', image(3), 0), item('b2', 'test', image(4), 1, 2)], {
      labels: [['dog', 'animal'], ['bird', 'animal'], ['cat', 'animal']],
    });
    const c = Dataset.fromIterable([item('c1', 'val', null, 0)], { labels: ['frog'] });
    const { dataset: merged, conflicts } = Dataset.merge(a, b, c);
    expect(merged.labels.items).toEqual([
      { name: 'cat', parent: '' },
      { name: 'dog', parent: '' },
      { name: 'bird', parent: 'animal' },
      { name: 'frog', parent: '' },
    ]);
    expect(summary(merged)).toEqual([
      ['train', 'a1', ['cat']],
      ['train', 'a2', ['dog']],
      ['train', 'b1', ['dog']],
      ['test', 'b2', ['bird', 'cat']],
      ['val', 'c1', ['frog']],
    ]);
    expect([...merged].map((i) => i.annotations.map((x) => x.label))).toEqual([[0], [1], [1], [2, 0], [3]]);
    expect(merged.subsets()).toEqual(['train', 'test', 'val']);
    expect(conflicts).toEqual([]);
  });

  it('shares items and images: no pixel copy, and untouched items where no index changes', () => {
    const a = Dataset.fromIterable([item('a1', 'train', image(1), 0)], { labels: ['cat', 'dog'] });
    const b = Dataset.fromIterable([item('b1', 'train', image(2), 0)], { labels: ['dog'] });
    const { dataset: merged, conflicts } = Dataset.merge(a, b);
    expect(merged.get('a1')).toBe(a.get('a1'));
    expect(merged.get('b1')).not.toBe(b.get('b1'));
    expect(merged.get('b1')!.media).toBe(b.get('b1')!.media);
    expect(merged.get('b1')!.media!.data.buffer).toBe(b.get('b1')!.media!.data.buffer);
    expect(b.get('b1')!.annotations[0]!.label).toBe(0);
  });

  it('merges identical items with the same (subset, id) into one: same label names, same size and pixels', () => {
    const a = Dataset.fromIterable([item('x', 'train', image(7), 0, 1), item('y', 'train', image(8), 1)], { labels: ['cat', 'dog'] });
    // Same names at other indices, labels in another order, pixels in another buffer.
    const b = Dataset.fromIterable([item('x', 'train', Image.fromHWC(noise(48, 7).slice(), 4, 4), 0, 1), item('y', 'test', image(8), 0)], {
      labels: ['dog', 'cat'],
    });
    const { dataset: merged, conflicts } = Dataset.merge(a, b);
    expect(summary(merged)).toEqual([
      ['train', 'x', ['cat', 'dog']],
      ['train', 'y', ['dog']],
      ['test', 'y', ['dog']],
    ]);
    expect(merged.get('x', 'train')).toBe(a.get('x', 'train'));
    expect(conflicts).toEqual([]);
  });

  it('keeps the first of two different items with one key and reports why', () => {
    const a = Dataset.fromIterable(
      [
        item('same', 'train', image(1), 0),
        item('labels', 'train', image(2), 0),
        item('pixels', 'train', image(3), 0),
        item('size', 'train', image(4), 0),
        item('media', 'train', image(5), 0),
      ],
      { labels: ['cat', 'dog'] },
    );
    const b = Dataset.fromIterable(
      [
        item('same', 'train', image(1), 0),
        item('labels', 'train', image(2), 1),
        item('pixels', 'train', image(99), 0),
        item('size', 'train', image(4, 2, 8), 0),
        item('media', 'train', null, 0),
      ],
      { labels: ['cat', 'dog'] },
    );
    const c = Dataset.fromIterable([new DatasetItem({ id: 'same', subset: 'train', media: image(1), annotations: [new Label(0, { score: 1 })] })], {
      labels: ['cat'],
    });
    const { dataset: merged, conflicts } = Dataset.merge(a, b, c);
    expect(summary(merged)).toEqual(summary(a));
    expect([...merged].every((i, n) => i === [...a][n])).toBe(true);
    expect(conflicts).toEqual([
      { subset: 'train', id: 'labels', sources: [0, 1], reason: 'different labels: [cat] vs [dog]' },
      { subset: 'train', id: 'pixels', sources: [0, 1], reason: 'different pixels' },
      { subset: 'train', id: 'size', sources: [0, 1], reason: 'different image sizes: 4x4x3 vs 2x8x3 (HxWxC)' },
      { subset: 'train', id: 'media', sources: [0, 1], reason: 'the kept item has an image, the other none' },
      { subset: 'train', id: 'same', sources: [0, 2], reason: 'different label attributes' },
    ]);
  });

  it('takes the union of subsets, in first-seen order', () => {
    const a = Dataset.fromIterable([item('1', 'train', null), item('2', 'test', null)]);
    const b = Dataset.fromIterable([item('1', 'val', null), item('1', 'train', null), item('3', 'extra', null)]);
    const { dataset: merged, conflicts } = Dataset.merge(a, b);
    expect(merged.subsets()).toEqual(['train', 'test', 'val', 'extra']);
    expect(summary(merged).map(([s, id]) => `${s}/${id}`)).toEqual(['train/1', 'test/2', 'val/1', 'extra/3']);
    expect(merged.size).toBe(4);
  });

  it('keeps the format the datasets share; merging a dataset with itself changes nothing', async () => {
    const cifar = await Dataset.importFrom(join(import.meta.dirname, '../fixtures/datumaro/cifar10_dataset'));
    const { dataset: twice, conflicts } = Dataset.merge(cifar, cifar);
    expect(twice.format).toBe('cifar');
    expect(summary(twice)).toEqual(summary(cifar));
    expect(twice.subsets()).toEqual(cifar.subsets());
    expect(conflicts).toEqual([]);
    expect(Dataset.merge(cifar, Dataset.fromIterable([])).dataset.format).toBe(null);
    expect(Dataset.merge().dataset.size).toBe(0);
  });

  it('refuses what is not a dataset, and labels it cannot name', async () => {
    await expectCifarkitError(() => Dataset.merge(Dataset.fromIterable([]), {} as never), 'INVALID_ARGUMENT', ['argument 1']);
    const broken = Dataset.fromIterable([item('x', 'train', null, 3)], { labels: ['cat'] });
    await expectCifarkitError(() => Dataset.merge(Dataset.fromIterable([]), broken), 'LABEL_OUT_OF_RANGE', ['dataset 1', 'label index 3', "'x'"]);
  });
});
