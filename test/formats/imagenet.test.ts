import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { cifarFormat } from '../../src/formats/cifar/index.js';
import { memoryTree } from '../../src/sources/file-tree.js';
import { imagenetFormat, imagenetWithSubsetDirsFormat } from '../../src/formats/imagenet/index.js';
import { imagenetTxtFormat } from '../../src/formats/imagenet-txt/index.js';
import { mnistFormat } from '../../src/formats/mnist/index.js';
import { encodeImage } from '../../src/image/codecs.js';
import { BACKENDS, expectCifarkitError, sha256, withBackend } from '../helpers.js';
import { describeItems, item, labelNames, maxPixelError, randomImage, sortedPaths, text, withTempDir } from './image-datasets.js';

const LABELS = ['cat', 'dog', 'bird'];

/** Five items: odd sizes, Cyrillic and spaces, an unlabelled item, an item with two labels, an id with a label prefix. */
function sample(ext = '') {
  const images = {
    one: randomImage(5, 7, 1, { ext }),
    cyr: randomImage(1, 1, 2, { ext }),
    unl: randomImage(3, 2, 3, { ext }),
    two: randomImage(2, 3, 4, { ext }),
    pre: randomImage(4, 4, 5, { ext }),
  };
  const ds = Dataset.fromIterable(
    [
      item('img_1', [0], images.one),
      item('кириллица с пробелом', [1], images.cyr),
      item('unlabelled', [], images.unl),
      item('both', [1, 0, 1], images.two),
      item('dog:x', [1], images.pre),
    ],
    { labels: LABELS },
  );
  return { ds, images };
}

describe.each(BACKENDS)('imagenet (%s backend)', (backend) => {
  it('writes <label>/<name>.png per label, no_label/ for the unlabelled, and reads them back exactly', async () => {
    await withBackend(backend, async () => {
      const { ds, images } = sample();
      const files = await ds.exportToFiles('imagenet', { imageExt: '.png' });
      expect(sortedPaths(files)).toEqual([
        'cat/both.png',
        'cat/img_1.png',
        'dog/both.png',
        'dog/x.png',
        'dog/кириллица с пробелом.png',
        'no_label/unlabelled.png',
      ]);
      // An item with two labels is the same image in both folders.
      expect(sha256(files.get('cat/both.png')!)).toBe(sha256(files.get('dog/both.png')!));

      const back = await Dataset.importFrom(files);
      expect(back.format).toBe('imagenet');
      expect(back.subsets()).toEqual(['default']);
      // Labels are the folders, sorted.
      expect(labelNames(back)).toEqual([
        { name: 'cat', parent: '' },
        { name: 'dog', parent: '' },
      ]);
      const sha = (img: { data: Uint8Array }) => sha256(img.data);
      expect(describeItems(back)).toEqual([
        { subset: 'default', id: 'cat:both', labels: [0], size: [2, 3, 3], sha256: sha(images.two) },
        { subset: 'default', id: 'cat:img_1', labels: [0], size: [5, 7, 3], sha256: sha(images.one) },
        { subset: 'default', id: 'dog:both', labels: [1], size: [2, 3, 3], sha256: sha(images.two) },
        { subset: 'default', id: 'dog:x', labels: [1], size: [4, 4, 3], sha256: sha(images.pre) },
        { subset: 'default', id: 'dog:кириллица с пробелом', labels: [1], size: [1, 1, 3], sha256: sha(images.cyr) },
        { subset: 'default', id: 'no_label:unlabelled', labels: [], size: [3, 2, 3], sha256: sha(images.unl) },
      ]);
      for (const i of back) expect(i.media!.ext).toBe('.png');

      // Re-exporting the import gives the same files: ids '<label>:<name>' lose their prefix.
      const again = await back.exportToFiles('imagenet');
      expect(sortedPaths(again)).toEqual(sortedPaths(files));
      for (const [path, bytes] of files) expect(sha256(again.get(path)!), path).toBe(sha256(bytes));
    });
  });

  it('JPEG by default (as Datumaro), with a bounded pixel error', async () => {
    await withBackend(backend, async () => {
      const { ds, images } = sample();
      const files = await ds.exportToFiles('imagenet');
      expect(sortedPaths(files).every((p) => p.endsWith('.jpg'))).toBe(true);
      const back = await Dataset.importFrom(files);
      const one = back.get('cat:img_1')!.media!;
      expect([one.height, one.width, one.channels, one.ext]).toEqual([5, 7, 3, '.jpg']);
      expect(maxPixelError(one, images.one)).toBeLessThanOrEqual(32);
    });
  });

  it('grayscale images stay 1-channel through PNG', async () => {
    await withBackend(backend, async () => {
      const gray = randomImage(6, 5, 9, { channels: 1, ext: '.png' });
      const ds = Dataset.fromIterable([item('g', [0], gray)], { labels: ['zero'] });
      const back = await Dataset.importFrom(await ds.exportToFiles('imagenet'));
      const m = back.get('zero:g')!.media!;
      expect([m.channels, sha256(m.data)]).toEqual([1, sha256(gray.data)]);
    });
  });
});

describe('imagenet: the image extension', () => {
  it("keeps the source's extension, falls back to .jpg, and imageExt overrides both", async () => {
    const ds = Dataset.fromIterable(
      [
        item('from_png', [0], randomImage(2, 2, 1, { ext: '.png' })),
        item('from_jpeg', [0], randomImage(2, 2, 2, { ext: '.JPEG' })),
        item('no_ext', [0], randomImage(2, 2, 3)),
        item('from_bmp', [0], randomImage(2, 2, 4, { ext: '.bmp' })),
      ],
      { labels: ['a'] },
    );
    expect(sortedPaths(await ds.exportToFiles('imagenet'))).toEqual(['a/from_bmp.jpg', 'a/from_jpeg.JPEG', 'a/from_png.png', 'a/no_ext.jpg']);
    expect(sortedPaths(await ds.exportToFiles('imagenet', { imageExt: '.png' }))).toEqual(['a/from_bmp.png', 'a/from_jpeg.png', 'a/from_png.png', 'a/no_ext.png']);
    const files = await ds.exportToFiles('imagenet', { imageExt: '.jpeg' });
    expect([...files.values()].every((b) => b[0] === 0xff && b[1] === 0xd8)).toBe(true);
  });

  it('refuses an imageExt it cannot write, before writing anything', async () => {
    const { ds } = sample();
    await expectCifarkitError(() => ds.exportToFiles('imagenet', { imageExt: '.bmp' }), 'EXPORT_UNSUPPORTED', ["'.bmp'", '.png, .jpg, .jpeg']);
    await expectCifarkitError(() => ds.exportToFiles('imagenet', { imageExt: 'png' }), 'EXPORT_UNSUPPORTED', ["'png'"]);
    await expectCifarkitError(() => ds.exportToFiles('imagenet', { imageExt: 7 as never }), 'INVALID_ARGUMENT', ['imageExt']);
    await expectCifarkitError(() => ds.exportToFiles('imagenet', { jpegQuality: 101 }), 'INVALID_ARGUMENT', ['jpegQuality']);
  });
});

describe('imagenet: Datumaro rules', () => {
  it('saveMedia: false still writes the images, saveDatasetMeta writes nothing more, items without media are skipped', async () => {
    const ds = Dataset.fromIterable([item('a', [0], randomImage(2, 2, 1)), item('nomedia', [0], null)], { labels: ['x', 'unused'] });
    const files = await ds.exportToFiles('imagenet', { saveMedia: false, saveDatasetMeta: true });
    expect(sortedPaths(files)).toEqual(['x/a.jpg']);
  });

  it('merges subsets into one tree; two items with one file name are refused', async () => {
    const ds = Dataset.fromIterable(
      [item('a', [0], randomImage(2, 2, 1), 'train'), item('b', [0], randomImage(2, 2, 2), 'val'), item('a', [], randomImage(2, 2, 3), 'val')],
      { labels: ['x'] },
    );
    const files = await ds.exportToFiles('imagenet');
    expect(sortedPaths(files)).toEqual(['no_label/a.jpg', 'x/a.jpg', 'x/b.jpg']);
    const clash = Dataset.fromIterable([item('a', [0], randomImage(2, 2, 1), 'train'), item('a', [0], randomImage(2, 2, 2), 'val')], { labels: ['x'] });
    await expectCifarkitError(() => clash.exportToFiles('imagenet'), 'UNSAFE_PATH', ["'x/a.jpg'"]);
  });

  it("a ':' in the name part becomes '_' (Windows file names); the first part is dropped", async () => {
    const ds = Dataset.fromIterable([item('x:y:z', [0], randomImage(1, 1, 1)), item('plain', [0], randomImage(1, 1, 2))], { labels: ['l'] });
    expect(sortedPaths(await ds.exportToFiles('imagenet'))).toEqual(['l/plain.jpg', 'l/y_z.jpg']);
  });

  it("an id with '/' nests folders below its label folder and reads back unchanged", async () => {
    const img = randomImage(2, 3, 7);
    const ds = Dataset.fromIterable([item('a/b/c', [0], img)], { labels: ['cat'] });
    const files = await ds.exportToFiles('imagenet', { imageExt: '.png' });
    expect(sortedPaths(files)).toEqual(['cat/a/b/c.png']);
    const back = await Dataset.importFrom(files);
    expect(labelNames(back)).toEqual([{ name: 'cat', parent: '' }]);
    expect(describeItems(back)).toEqual([{ subset: 'default', id: 'cat:a/b/c', labels: [0], size: [2, 3, 3], sha256: sha256(img.data) }]);
  });

  it("reads Datumaro's own test tree (labels are the top folders; deeper folders are part of the name)", async () => {
    // tests/unit/test_imagenet_format.py (ImagenetImporterTest) and its assets/imagenet_dataset.
    const png = (h: number, w: number) => encodeImage(randomImage(h, w, h * w), '.png');
    const files = {
      'label_0/label_0_1.jpg': png(8, 8),
      'no_label/label_0_2.jpg': png(10, 10),
      'label_1/label_1_1/label_1_1.jpg': png(8, 8),
      'label_1/label_1_1.jpg': png(8, 8),
    };
    const ds = await Dataset.importFrom(files);
    expect(ds.format).toBe('imagenet');
    expect(labelNames(ds)).toEqual([
      { name: 'label_0', parent: '' },
      { name: 'label_1', parent: '' },
    ]);
    expect(describeItems(ds).map((i) => [i.id, i.labels, i.size])).toEqual([
      ['label_0:label_0_1', [0], [8, 8, 3]],
      ['label_1:label_1_1', [1], [8, 8, 3]],
      ['label_1:label_1_1/label_1_1', [1], [8, 8, 3]],
      ['no_label:label_0_2', [], [10, 10, 3]],
    ]);
  });

  it('images in the root are unlabelled; dot-folders and non-image dotfiles are ignored; other files are ignored on import (but stop detection)', async () => {
    const png = encodeImage(randomImage(2, 2, 1), '.png');
    const files = { 'root.png': png, 'cat/a.png': png, 'cat/.hidden.png': png, 'cat/.DS_Store': text('junk'), '.git/b.png': png };
    const ds = await Dataset.importFrom(files);
    expect(ds.format).toBe('imagenet');
    expect(describeItems(ds).map((i) => [i.id, i.labels])).toEqual([
      ['cat:.hidden', [0]],
      ['cat:a', [0]],
      ['no_label:root', []],
    ]);
    const withNotes = { ...files, 'cat/notes.txt': text('hello') };
    await expectCifarkitError(() => Dataset.importFrom(withNotes), 'FORMAT_NOT_DETECTED');
    expect((await Dataset.importFrom(withNotes, 'imagenet')).size).toBe(3);
  });

  it('refuses an image it cannot decode, naming the file and the item', async () => {
    await expectCifarkitError(() => Dataset.importFrom({ 'cat/broken.png': text('not a png') }), 'IMAGE_DECODE_FAILED', [
      'cat/broken.png',
      "'cat:broken'",
      'not a PNG or JPEG',
    ]);
    const png = encodeImage(randomImage(4, 4, 1), '.png');
    await expectCifarkitError(() => Dataset.importFrom({ 'cat/cut.png': png.subarray(0, 40) }), 'IMAGE_DECODE_FAILED', ['cat/cut.png', 'cut short']);
    await expectCifarkitError(() => Dataset.importFrom({ 'cat/x.bmp': text('BM....') }), 'IMAGE_DECODE_FAILED', ['cat/x.bmp']);
  });
});

describe('imagenet: unsafe names', () => {
  it.each([
    ['../evil', "'../evil.jpg'", "'..' part"],
    ['a/../../evil', "'a/../../evil.jpg'", "'..' part"],
    ['/etc/passwd', "'/etc/passwd.jpg'", 'absolute'],
    ['nul\0byte', 'nul\\0byte', 'NUL'],
    ['back\\slash', 'back\\slash', 'backslash'],
  ])('id %j is refused with UNSAFE_PATH', async (id, shown, why) => {
    const ds = Dataset.fromIterable([item(id, [0], randomImage(1, 1, 1))], { labels: ['cat'] });
    await expectCifarkitError(() => ds.exportToFiles('imagenet'), 'UNSAFE_PATH', [shown, why]);
  });

  it('an id that leaves no file name is refused', async () => {
    const ds = Dataset.fromIterable([item('cat:', [0], randomImage(1, 1, 1))], { labels: ['cat'] });
    await expectCifarkitError(() => ds.exportToFiles('imagenet'), 'EXPORT_UNSUPPORTED', ["item 'cat:'", 'empty file name']);
  });

  it('a label name with .. is refused too; legal odd names pass', async () => {
    const bad = Dataset.fromIterable([item('x', [0], randomImage(1, 1, 1))], { labels: ['..'] });
    await expectCifarkitError(() => bad.exportToFiles('imagenet'), 'UNSAFE_PATH', ["'../x.jpg'"]);
    const odd = Dataset.fromIterable([item('файл с пробелом', [0], randomImage(1, 1, 1))], { labels: ['метка 1'] });
    expect(sortedPaths(await odd.exportToFiles('imagenet'))).toEqual(['метка 1/файл с пробелом.jpg']);
  });
});

describe.each(BACKENDS)('imagenet_with_subset_dirs (%s backend)', (backend) => {
  it('writes <subset>/<label>/<name> and reads the subsets back', async () => {
    await withBackend(backend, async () => {
      const imgs = [randomImage(3, 5, 1, { ext: '.png' }), randomImage(2, 2, 2, { ext: '.png' }), randomImage(1, 4, 3, { ext: '.png' })];
      const ds = Dataset.fromIterable(
        [item('a', [0], imgs[0]!, 'train'), item('b', [1], imgs[1]!, 'val'), item('c', [], imgs[2]!, 'test'), item('a', [1], imgs[1]!, 'test')],
        { labels: ['cat', 'dog'] },
      );
      const files = await ds.exportToFiles('imagenet_with_subset_dirs');
      expect(sortedPaths(files)).toEqual(['test/dog/a.png', 'test/no_label/c.png', 'train/cat/a.png', 'val/dog/b.png']);
      const back = await Dataset.importFrom(files);
      expect(back.format).toBe('imagenet_with_subset_dirs');
      expect(back.subsets()).toEqual(['test', 'train', 'val']);
      expect(labelNames(back)).toEqual([
        { name: 'dog', parent: '' },
        { name: 'cat', parent: '' },
      ]);
      expect(describeItems(back)).toEqual([
        { subset: 'test', id: 'dog:a', labels: [0], size: [2, 2, 3], sha256: sha256(imgs[1]!.data) },
        { subset: 'test', id: 'no_label:c', labels: [], size: [1, 4, 3], sha256: sha256(imgs[2]!.data) },
        { subset: 'train', id: 'cat:a', labels: [1], size: [3, 5, 3], sha256: sha256(imgs[0]!.data) },
        { subset: 'val', id: 'dog:b', labels: [0], size: [2, 2, 3], sha256: sha256(imgs[1]!.data) },
      ]);
    });
  });
});

describe('imagenet on disk', () => {
  it('Dataset.export writes the tree to a folder, and importFrom(path) reads it back', async () => {
    await withTempDir(async (tmp) => {
      const { ds, images } = sample('.png');
      const out = join(tmp, 'out');
      expect(await ds.export(out, 'imagenet')).toBe(6);
      expect(readFileSync(join(out, 'dog', 'кириллица с пробелом.png')).subarray(1, 4).toString()).toBe('PNG');
      const back = await Dataset.importFrom(out);
      expect(back.format).toBe('imagenet');
      expect(back.size).toBe(6);
      expect(sha256(back.get('cat:img_1')!.media!.data)).toBe(sha256(images.one.data));
      const sub = join(tmp, 'sub');
      await Dataset.fromIterable([item('a', [0], images.one, 'train')], { labels: ['cat'] }).export(sub, 'imagenet_with_subset_dirs');
      const subBack = await Dataset.importFrom(sub);
      expect([subBack.format, subBack.subsets(), subBack.get('cat:a')?.subset]).toEqual(['imagenet_with_subset_dirs', ['train'], 'train']);
    });
  });
});

describe('format detection across layouts', () => {
  const CIFAR10 = join(import.meta.dirname, '../fixtures/datumaro/cifar10_dataset');
  const MNIST = join(import.meta.dirname, '../fixtures/mnist');
  const readDir = (dir: string, names: string[]) => Object.fromEntries(names.map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))]));

  async function layouts(): Promise<Record<string, Record<string, Uint8Array> | Map<string, Uint8Array>>> {
    const labelled = Dataset.fromIterable(
      [item('a', [0], randomImage(2, 2, 1), 'train'), item('b', [1], randomImage(2, 2, 2), 'val'), item('c', [], randomImage(2, 2, 3), 'train')],
      { labels: ['cat', 'dog'] },
    );
    const unlabelled = Dataset.fromIterable([item('u', [], randomImage(2, 2, 4))], { labels: ['cat'] });
    return {
      cifar: readDir(CIFAR10, ['batches.meta', 'data_batch_1', 'test_batch']),
      'cifar, one level down': Object.fromEntries(Object.entries(readDir(CIFAR10, ['batches.meta', 'data_batch_1'])).map(([k, v]) => [`cifar-10-batches-py/${k}`, v])),
      mnist: readDir(join(MNIST, 'original-gz'), ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']),
      'mnist, Datumaro': await (await Dataset.importFrom(join(MNIST, 'datumaro'))).exportToFiles('mnist'),
      imagenet: await labelled.exportToFiles('imagenet'),
      imagenet_with_subset_dirs: await labelled.exportToFiles('imagenet_with_subset_dirs'),
      imagenet_txt: await labelled.exportToFiles('imagenet_txt'),
      'imagenet_txt, no labels at all': await unlabelled.exportToFiles('imagenet_txt'),
      'imagenet_txt, no media': await labelled.exportToFiles('imagenet_txt', { saveMedia: false }),
    };
  }

  it('each layout is detected as its own format', async () => {
    const detected: Record<string, string | null> = {};
    for (const [name, files] of Object.entries(await layouts())) detected[name] = (await Dataset.importFrom(files)).format;
    expect(detected).toEqual({
      cifar: 'cifar',
      'cifar, one level down': 'cifar',
      mnist: 'mnist',
      'mnist, Datumaro': 'mnist',
      imagenet: 'imagenet',
      imagenet_with_subset_dirs: 'imagenet_with_subset_dirs',
      imagenet_txt: 'imagenet_txt',
      'imagenet_txt, no labels at all': 'imagenet_txt',
      'imagenet_txt, no media': 'imagenet_txt',
    });
  });

  it('no detector claims another format’s layout (plain imagenet also fits subset folders: they are nested labels)', async () => {
    const formats = [cifarFormat, mnistFormat, imagenetTxtFormat, imagenetWithSubsetDirsFormat, imagenetFormat];
    const matrix: Record<string, string[]> = {};
    for (const [name, files] of Object.entries(await layouts())) {
      const tree = memoryTree(files);
      matrix[name] = [];
      for (const f of formats) if (await f.detect({ tree, start: '' })) matrix[name].push(f.name);
    }
    expect(matrix).toEqual({
      cifar: ['cifar'],
      'cifar, one level down': ['cifar'],
      mnist: ['mnist'],
      'mnist, Datumaro': ['mnist'],
      imagenet: ['imagenet'],
      imagenet_with_subset_dirs: ['imagenet_with_subset_dirs', 'imagenet'],
      imagenet_txt: ['imagenet_txt'],
      'imagenet_txt, no labels at all': ['imagenet_txt'],
      'imagenet_txt, no media': ['imagenet_txt'],
    });
  });

  it('a single file given as the source: a batch file is cifar, a labels file mnist, a list file imagenet_txt', async () => {
    await withTempDir(async (tmp) => {
      expect((await Dataset.importFrom(join(CIFAR10, 'data_batch_1'))).format).toBe('cifar');
      expect((await Dataset.importFrom(join(MNIST, 'original-plain', 'train-labels-idx1-ubyte'))).format).toBe('mnist');
      const txt = join(tmp, 'txt');
      await Dataset.fromIterable([item('a', [0], randomImage(1, 1, 1))], { labels: ['x'] }).export(txt, 'imagenet_txt');
      expect((await Dataset.importFrom(join(txt, 'default.txt'))).format).toBe('imagenet_txt');
    });
  });

  it('files that are none of them', async () => {
    await expectCifarkitError(() => Dataset.importFrom({ 'notes/readme.md': text('# hi') }), 'FORMAT_NOT_DETECTED', ['cifar', 'mnist', 'imagenet']);
    await expectCifarkitError(() => Dataset.importFrom({ 'notes.txt': text('Some words here\n') }), 'FORMAT_NOT_DETECTED');
    await expectCifarkitError(() => Dataset.importFrom({ 'empty/.keep': text('') }), 'FORMAT_NOT_DETECTED');
  });
});
