import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { encodeImage } from '../../src/image/codecs.js';
import { parseListLine } from '../../src/formats/imagenet-txt/layout.js';
import { BACKENDS, expectCifarkitError, sha256, withBackend } from '../helpers.js';
import { decodeText, describeItems, item, labelNames, maxPixelError, randomImage, sortedPaths, text, withTempDir } from './image-datasets.js';

const LABELS = ['label_0', 'label_1', 'label_2', 'label_3'];

function sample(ext = '') {
  const images = [randomImage(5, 7, 1, { ext }), randomImage(1, 1, 2, { ext }), randomImage(2, 3, 3, { ext }), randomImage(4, 4, 4, { ext })];
  const ds = Dataset.fromIterable(
    [
      item('1', [0], images[0]!, 'train'),
      item('кириллица с пробелом', [1, 0], images[1]!, 'train'),
      item('a/b/c', [], images[2]!, 'train'),
      item('no image', [3], null, 'train'),
      item('x.y', [2, 2], images[3]!, 'val'),
    ],
    { labels: LABELS },
  );
  return { ds, images };
}

describe.each(BACKENDS)('imagenet_txt (%s backend)', (backend) => {
  it('writes <subset>.txt, images/ and synsets.txt as Datumaro, and reads them back exactly', async () => {
    await withBackend(backend, async () => {
      const { ds } = sample();
      const files = await ds.exportToFiles('imagenet_txt', { imageExt: '.png' });
      expect(sortedPaths(files)).toEqual(['images/1.png', 'images/a/b/c.png', 'images/x.y.png', 'images/кириллица с пробелом.png', 'synsets.txt', 'train.txt', 'val.txt']);
      expect(decodeText(files.get('train.txt'))).toBe('1.png 0\n"кириллица с пробелом".png 0 1\na/b/c.png \n"no image".png 3\n');
      expect(decodeText(files.get('val.txt'))).toBe('x.y.png 2\n');
      expect(decodeText(files.get('synsets.txt'))).toBe('label_0\nlabel_1\nlabel_2\nlabel_3\n');

      const back = await Dataset.importFrom(files);
      expect(back.format).toBe('imagenet_txt');
      expect(back.subsets()).toEqual(['train', 'val']);
      expect(labelNames(back).map((l) => l.name)).toEqual(LABELS);
      // Labels come back sorted and once each (Datumaro writes a set).
      const want = describeItems(ds).map((i) => ({ ...i, labels: [...new Set(i.labels)].sort() }));
      expect(describeItems(back)).toEqual(want);
      expect(back.get('1')!.media!.ext).toBe('.png');
    });
  });

  it('JPEG by default (as Datumaro) with a bounded error; the source extension is kept', async () => {
    await withBackend(backend, async () => {
      const { ds, images } = sample();
      const files = await ds.exportToFiles('imagenet_txt');
      expect(decodeText(files.get('val.txt'))).toBe('x.y.jpg 2\n');
      const back = await Dataset.importFrom(files);
      expect(maxPixelError(back.get('1')!.media!, images[0]!)).toBeLessThanOrEqual(32);
      const png = (await sample('.png').ds.exportToFiles('imagenet_txt'));
      expect(decodeText(png.get('val.txt'))).toBe('x.y.png 2\n');
    });
  });
});

describe('imagenet_txt: Datumaro rules', () => {
  it('saveMedia: false writes the lists and labels only; the items read back without images', async () => {
    const { ds } = sample();
    const files = await ds.exportToFiles('imagenet_txt', { saveMedia: false });
    expect(sortedPaths(files)).toEqual(['synsets.txt', 'train.txt', 'val.txt']);
    const back = await Dataset.importFrom(files);
    expect(back.size).toBe(5);
    expect([...back].every((i) => i.media === null)).toBe(true);
  });

  it('saveDatasetMeta writes dataset_meta.json instead of synsets.txt, and it is read back', async () => {
    const ds = Dataset.fromIterable([item('1', [1], null, 'train')], { labels: ['a', ' spaced '] });
    const files = await ds.exportToFiles('imagenet_txt', { saveDatasetMeta: true });
    expect(sortedPaths(files)).toEqual(['dataset_meta.json', 'train.txt']);
    expect(JSON.parse(decodeText(files.get('dataset_meta.json')))).toEqual({ labels: ['a', ' spaced '] });
    expect(labelNames(await Dataset.importFrom(files)).map((l) => l.name)).toEqual(['a', ' spaced ']);
    await expectCifarkitError(() => ds.exportToFiles('imagenet_txt'), 'EXPORT_UNSUPPORTED', ['" spaced "', 'synsets.txt', 'saveDatasetMeta']);
  });

  it('parses lines as Datumaro: plain, quoted, several labels, none', () => {
    expect(parseListLine('1.jpg 0')).toEqual({ id: '1', image: '1.jpg', labels: [0] });
    expect(parseListLine('"a b".jpg 1 2')).toEqual({ id: 'a b', image: 'a b.jpg', labels: [1, 2] });
    expect(parseListLine('dir/x.y.png ')).toEqual({ id: 'dir/x.y', image: 'dir/x.y.png', labels: [] });
    expect(parseListLine('"quoted no ext" 3')).toEqual({ id: 'quoted no ext', image: 'quoted no ext', labels: [3] });
    expect(parseListLine('noext\t4')).toEqual({ id: 'noext', image: 'noext', labels: [4] });
  });

  it("reads Datumaro's own test dataset as Datumaro's test expects (listed images that are absent have no media)", async () => {
    // tests/assets/imagenet_txt_dataset/basic: train.txt, synsets.txt (no final newline), images 1.jpg and 2.jpg.
    const files = {
      'train.txt': text('1.jpg 0\n2.jpg 5\n3.jpg 3\n4.jpg 5\n'),
      'synsets.txt': text(Array.from({ length: 10 }, (_, i) => `label_${i}`).join('\n')),
      'images/1.jpg': encodeImage(randomImage(8, 6, 1), '.jpg'),
      'images/2.jpg': encodeImage(randomImage(2, 8, 2), '.jpg'),
    };
    const ds = await Dataset.importFrom(files);
    expect(ds.format).toBe('imagenet_txt');
    expect(labelNames(ds).map((l) => l.name)).toEqual(Array.from({ length: 10 }, (_, i) => `label_${i}`));
    expect(describeItems(ds).map((i) => [i.subset, i.id, i.labels, i.size])).toEqual([
      ['train', '1', [0], [8, 6, 3]],
      ['train', '2', [5], [2, 8, 3]],
      ['train', '3', [3], null],
      ['train', '4', [5], null],
    ]);
  });

  it("without synsets.txt the labels are generated as 'class-<i>' (Datumaro's labels='generate')", async () => {
    const ds = await Dataset.importFrom({ 'train.txt': text('1.jpg 4\n') });
    expect(labelNames(ds).map((l) => l.name)).toEqual(['class-0', 'class-1', 'class-2', 'class-3', 'class-4']);
    expect(ds.get('1')!.annotations.map((a) => a.label)).toEqual([4]);
  });

  it('a list file given directly is that subset alone', async () => {
    await withTempDir(async (tmp) => {
      const { ds } = sample('.png');
      await ds.export(join(tmp, 'out'), 'imagenet_txt');
      const val = await Dataset.importFrom(join(tmp, 'out', 'val.txt'));
      expect([val.format, val.subsets(), val.size, val.labels.length]).toEqual(['imagenet_txt', ['val'], 1, 4]);
    });
  });
});

describe('imagenet_txt: refusals', () => {
  it('malformed lines, unknown and negative labels, twice-listed items', async () => {
    const synsets = text('a\nb\n');
    await expectCifarkitError(() => Dataset.importFrom({ 'train.txt': text('1.jpg 0\n2.jpg x\n'), 'synsets.txt': synsets }, 'imagenet_txt'), 'ANNOTATION_INVALID', [
      'train.txt',
      'line 2',
      "label 'x' is not an integer",
    ]);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.txt': text('"a b.jpg 0\n'), 'synsets.txt': synsets }, 'imagenet_txt'), 'ANNOTATION_INVALID', [
      'line 1',
      'quotes',
    ]);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.txt': text('1.jpg 2\n'), 'synsets.txt': synsets }), 'LABEL_OUT_OF_RANGE', [
      'train.txt',
      "item '1'",
      'line 1',
      'label 2',
      '2 label names',
    ]);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.txt': text('1.jpg -1\n'), 'synsets.txt': synsets }, 'imagenet_txt'), 'ANNOTATION_INVALID', ['negative']);
    await expectCifarkitError(() => Dataset.importFrom({ 'train.txt': text('1.jpg 0\n1.png 1\n'), 'synsets.txt': synsets }), 'ANNOTATION_INVALID', [
      "item '1' is already listed on line 1",
    ]);
  });

  it('a listed path that leaves the images folder is refused, not read', async () => {
    for (const path of ['../secret.jpg', 'a/../../secret.jpg', '/etc/passwd.jpg', '..\\\\secret.jpg']) {
      await expectCifarkitError(() => Dataset.importFrom({ 'train.txt': text(`${path} 0\n`), 'synsets.txt': text('a\n') }), 'ANNOTATION_INVALID', [
        'line 1',
        'leaves the images folder',
      ]);
    }
  });

  it('a corrupt image names the file and the item', async () => {
    await expectCifarkitError(
      () => Dataset.importFrom({ 'train.txt': text('x.png 0\n'), 'synsets.txt': text('a\n'), 'images/x.png': text('\x89PNG\r\n\x1a\nbroken') }),
      'IMAGE_DECODE_FAILED',
      ['images/x.png', "item 'x'", 'PNG'],
    );
  });

  it('ids and names the lists cannot hold, unsafe ids, a subset named synsets', async () => {
    const one = (id: string, subset = 'train', labels = ['a']) => Dataset.fromIterable([item(id, [0], randomImage(1, 1, 1), subset)], { labels });
    await expectCifarkitError(() => one('say "hi"').exportToFiles('imagenet_txt'), 'EXPORT_UNSUPPORTED', ['double quote']);
    await expectCifarkitError(() => one('two\nlines').exportToFiles('imagenet_txt'), 'EXPORT_UNSUPPORTED', ['line break']);
    await expectCifarkitError(() => one('../evil').exportToFiles('imagenet_txt'), 'UNSAFE_PATH', ["'../evil.jpg'", "'..' part"]);
    await expectCifarkitError(() => one('../evil').exportToFiles('imagenet_txt', { saveMedia: false }), 'UNSAFE_PATH', ["'../evil.jpg'"]);
    await expectCifarkitError(() => one('/abs').exportToFiles('imagenet_txt'), 'UNSAFE_PATH', ['absolute']);
    await expectCifarkitError(() => one('nul\0').exportToFiles('imagenet_txt'), 'UNSAFE_PATH', ['NUL']);
    await expectCifarkitError(() => one('x', 'synsets').exportToFiles('imagenet_txt'), 'EXPORT_UNSUPPORTED', ['synsets.txt']);
    await expectCifarkitError(() => one('x', 'a/b').exportToFiles('imagenet_txt'), 'EXPORT_UNSUPPORTED', ["subset 'a/b'"]);
    await expectCifarkitError(() => one('x', '../up').exportToFiles('imagenet_txt'), 'EXPORT_UNSUPPORTED', ["subset '../up'"]);
    await expectCifarkitError(() => one('x', 'train', ['two\nlines']).exportToFiles('imagenet_txt'), 'EXPORT_UNSUPPORTED', ['synsets.txt']);
    await expectCifarkitError(() => one('x').exportToFiles('imagenet_txt', { imageExt: '.gif' }), 'EXPORT_UNSUPPORTED', ["'.gif'"]);
  });
});

describe('imagenet_txt on disk', () => {
  it('Dataset.export writes the files to a folder, and importFrom(path) reads them back', async () => {
    await withTempDir(async (tmp) => {
      const { ds, images } = sample('.png');
      const out = join(tmp, 'out');
      expect(await ds.export(out, 'imagenet_txt')).toBe(7);
      const back = await Dataset.importFrom(out);
      expect(back.format).toBe('imagenet_txt');
      expect(sha256(back.get('a/b/c')!.media!.data)).toBe(sha256(images[2]!.data));
      expect(sha256(back.get('кириллица с пробелом')!.media!.data)).toBe(sha256(images[1]!.data));
    });
  });
});
