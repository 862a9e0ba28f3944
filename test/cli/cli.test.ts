/**
 * End-to-end: the built `cifarkit` binary (bin/cifarkit.mjs -> dist/cli.js) on fixture datasets,
 * checking exit codes, messages and the files it writes. `npm test` builds first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, decodeImage, Image, Label, LabelCategories } from '../../src/index.js';
import { noise, sha256 } from '../helpers.js';
import { cli, requireBuiltCli, ROOT, tempDir } from './binary.js';

const PY2 = join(ROOT, 'test/fixtures/generated/py2-cifar10');

const NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A CIFAR-10 folder with known content: 3 dogs, 2 cats, 1 unlabelled item, in two subsets. */
async function petsDataset(): Promise<{ dir: string; ds: Dataset }> {
  const img = (seed: number) => Image.fromHWC(noise(32 * 32 * 3, seed), 32, 32);
  const items = [
    ['dog_1', 'data_batch_1', 5],
    ['cat_1', 'data_batch_1', 3],
    ['dog_2', 'data_batch_1', 5],
    ['odd one', 'data_batch_1', null],
    ['dog_3', 'test_batch', 5],
    ['cat_2', 'test_batch', 3],
  ] as const;
  const ds = Dataset.fromIterable(
    items.map(([id, subset, label], k) => new DatasetItem({ id, subset, media: img(k + 1), annotations: label === null ? [] : [new Label(label)] })),
    { labels: NAMES },
  );
  const dir = join(tempDir(), 'pets');
  await ds.export(dir, 'cifar');
  return { dir, ds };
}

requireBuiltCli();

describe('cifarkit --help and usage errors', () => {
  it('--help lists every command and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    for (const c of ['convert', 'filter', 'transform', 'merge', 'info', 'preview', 'project']) expect(r.stdout).toContain(c);
  });

  it('each command has --help', () => {
    for (const c of [['convert'], ['filter'], ['transform'], ['merge'], ['info'], ['preview'], ['project', 'export']]) {
      const r = cli(...c, '--help');
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.stdout).toContain('--help');
    }
    expect(cli('convert', '--help').stdout).toContain('--save-media');
  });

  it('a bad flag exits 2 and names it', () => {
    const r = cli('info', PY2, '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bogus');
  });

  it('no command exits 2', () => {
    expect(cli().code).toBe(2);
  });

  it('an unknown format exits 2 and lists the known ones', () => {
    const r = cli('convert', '-i', PY2, '-f', 'kitti', '-o', join(tempDir(), 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kitti');
    expect(r.stderr).toContain('imagenet');
  });

  it('a missing input exits 1 with FILE_NOT_FOUND naming the path', () => {
    const r = cli('info', '/no/such/dataset');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FILE_NOT_FOUND');
    expect(r.stderr).toContain('/no/such/dataset');
  });

  it('bad exporter options exit 2', () => {
    const r = cli('convert', '-i', PY2, '-f', 'cifar', '-o', join(tempDir(), 'x'), '--', '--bogus-option');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bogus-option');
  });

  it('a non-empty output folder is refused (exit 1) unless --overwrite', () => {
    const out = tempDir();
    const first = cli('convert', '-i', PY2, '-f', 'cifar', '-o', join(out, 'o'));
    expect(first.code, first.stderr).toBe(0);
    const again = cli('convert', '-i', PY2, '-f', 'cifar', '-o', join(out, 'o'));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('OUTPUT_NOT_EMPTY');
    expect(cli('convert', '-i', PY2, '-f', 'cifar', '-o', join(out, 'o'), '--overwrite').code).toBe(0);
  });
});

describe('convert', () => {
  it('CIFAR -> ImageNet with --save-media writes <label>/<id>.png with the exact pixels', async () => {
    const out = join(tempDir(), 'imagenet');
    const r = cli('convert', '-if', 'cifar', '-i', PY2, '-f', 'imagenet', '-o', out, '--', '--save-media');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('converted 9 items (cifar -> imagenet)');
    const source = await Dataset.importFrom(PY2);
    for (const item of source) {
      const label = source.labels.items[item.annotations[0]!.label]!.name;
      const png = readFileSync(join(out, label, `${item.id}.png`));
      const img = decodeImage(new Uint8Array(png), `${label}/${item.id}.png`);
      expect(sha256(img.data)).toBe(sha256(item.media!.data));
    }
  });

  it('CIFAR -> CIFAR without --save-media keeps labels, writes no pixels and says so', async () => {
    const out = join(tempDir(), 'c');
    const r = cli('convert', '-i', PY2, '-f', 'cifar', '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ inputFormat: 'cifar', format: 'cifar', items: 9, files: 4 });
    expect(r.stderr).toContain('--save-media');
    const back = await Dataset.importFrom(out);
    expect([...back].every((i) => i.media === null)).toBe(true);
    expect(back.size).toBe(9);
  });

  it('applies -e before writing', async () => {
    const { dir } = await petsDataset();
    const out = join(tempDir(), 'dogs');
    const r = cli('convert', '-i', dir, '-f', 'imagenet_txt', '-o', out, '-e', '/item[annotation/label="dog"]', '--', '--save-media', '--image-ext', '.png');
    expect(r.code, r.stderr).toBe(0);
    const back = await Dataset.importFrom(out);
    expect([...back].map((i) => i.id).sort()).toEqual(['dog_1', 'dog_2', 'dog_3']);
  });
});

describe('filter', () => {
  it("'/item[annotation/label=\"dog\"]' keeps exactly the dogs, with their pixels", async () => {
    const { dir, ds } = await petsDataset();
    const out = join(tempDir(), 'dogs');
    const r = cli('filter', dir, '-e', '/item[annotation/label="dog"]', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('kept 3 of 6 items');
    const back = await Dataset.importFrom(out);
    expect([...back].map((i) => [i.subset, i.id, back.labels.items[i.annotations[0]!.label]!.name])).toEqual([
      ['data_batch_1', 'dog_1', 'dog'],
      ['data_batch_1', 'dog_2', 'dog'],
      ['test_batch', 'dog_3', 'dog'],
    ]);
    for (const i of back) expect(sha256(i.media!.data)).toBe(sha256(ds.get(i.id)!.media!.data));
  });

  it('--dry-run --json reports without writing', async () => {
    const { dir } = await petsDataset();
    const r = cli('filter', '-e', '/item[subset="test_batch"]', dir, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ items: 6, kept: 2 });
    expect(report.ids).toEqual([
      { subset: 'test_batch', id: 'dog_3' },
      { subset: 'test_batch', id: 'cat_2' },
    ]);
  });

  it('-m i+a drops items left without annotations', async () => {
    const { dir } = await petsDataset();
    const r = cli('filter', '-e', '/item/annotation[label="cat"]', '-m', 'i+a', dir, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kept: 2, keptAnnotations: 2 });
  });

  it('a bad XPath exits 2 with FILTER_INVALID naming the expression', async () => {
    const { dir } = await petsDataset();
    const r = cli('filter', '-e', '/item[annotation/label=', dir, '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FILTER_INVALID');
    expect(r.stderr).toContain('/item[annotation/label=');
  });

  it('filter without -o writes in place only with --overwrite (exit 1 otherwise, as datum)', async () => {
    const { dir } = await petsDataset();
    expect(cli('filter', '-e', '/item', dir).code).toBe(1);
  });
});

describe('transform', () => {
  it('random_split is seeded and exact', async () => {
    const { dir } = await petsDataset();
    const a = join(tempDir(), 'a');
    const b = join(tempDir(), 'b');
    for (const out of [a, b]) {
      const r = cli('transform', dir, '-t', 'random_split', '-o', out, '--', '-s', 'train:.5', '-s', 'val:.5', '--seed', '7');
      expect(r.code, r.stderr).toBe(0);
    }
    const [da, db] = [await Dataset.importFrom(a), await Dataset.importFrom(b)];
    expect(da.subsets()).toEqual(['train', 'val']);
    expect(da.getSubset('train').length).toBe(3);
    expect([...da].map((i) => [i.subset, i.id])).toEqual([...db].map((i) => [i.subset, i.id]));
  });

  it('remap_labels renames and deletes labels', async () => {
    const { dir } = await petsDataset();
    const out = join(tempDir(), 'r');
    const r = cli('transform', dir, '-t', 'remap_labels', '-o', out, '--', '-l', 'dog:canine', '-l', 'cat:', '--default', 'delete');
    expect(r.code, r.stderr).toBe(0);
    const back = await Dataset.importFrom(out);
    expect(back.labels.items.map((l) => l.name)).toEqual(['canine']);
    expect([...back].filter((i) => i.annotations.length > 0).map((i) => i.id).sort()).toEqual(['dog_1', 'dog_2', 'dog_3']);
  });

  it("-- -h prints the transform's own options", () => {
    const r = cli('transform', PY2, '-t', 'random_split', '-o', join(tempDir(), 'x'), '--', '-h');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('--seed');
  });

  it('an unknown transform exits 2 listing the known ones', async () => {
    const { dir } = await petsDataset();
    const r = cli('transform', dir, '-t', 'sharpen', '-o', join(tempDir(), 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TRANSFORM_UNKNOWN');
    expect(r.stderr).toContain('random_split');
  });
});

describe('merge', () => {
  it('unions items and labels, remapping indices by name, and reports conflicting ids', async () => {
    const img = (seed: number) => Image.fromHWC(noise(32 * 32 * 3, seed), 32, 32);
    const a = Dataset.fromIterable([new DatasetItem({ id: 'x', subset: 'train', media: img(1), annotations: [new Label(0)] })], { labels: ['cat', 'dog'] });
    const b = Dataset.fromIterable(
      [
        new DatasetItem({ id: 'y', subset: 'train', media: img(2), annotations: [new Label(0)] }),
        new DatasetItem({ id: 'x', subset: 'train', media: img(3), annotations: [new Label(1)] }),
      ],
      { labels: LabelCategories.fromIterable(['dog', 'bird']) },
    );
    const [da, db] = [join(tempDir(), 'a'), join(tempDir(), 'b')];
    await a.export(da, 'cifar');
    await b.export(db, 'cifar');
    const out = join(tempDir(), 'm');
    const r = cli('merge', da, db, '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.labels).toEqual(['cat', 'dog', 'bird']);
    expect(report.conflicts.map((c: { id: string; sources: string[] }) => [c.id, c.sources])).toEqual([['x', [da, db]]]);
    const back = await Dataset.importFrom(out);
    expect([...back].map((i) => [i.id, back.labels.items[i.annotations[0]!.label]!.name])).toEqual([
      ['x', 'cat'],
      ['y', 'dog'],
    ]);
  });
});

describe('dinfo / info', () => {
  it('--json gives format, subsets, label histogram, sizes and unlabelled count', async () => {
    const { dir } = await petsDataset();
    const r = cli('dinfo', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.format).toBe('cifar');
    expect(info.items).toBe(6);
    expect(info.subsets).toEqual([
      { name: 'data_batch_1', items: 4 },
      { name: 'test_batch', items: 2 },
    ]);
    expect(info.labels.filter((l: { items: number }) => l.items > 0).map((l: { name: string; items: number }) => [l.name, l.items])).toEqual([
      ['cat', 2],
      ['dog', 3],
    ]);
    expect(info.unlabelled).toBe(1);
    expect(info.imageSizes).toEqual([{ height: 32, width: 32, channels: 3, items: 6 }]);
  });

  it('reads the official archive as it is (.tar.gz path, streamed)', () => {
    const r = cli('info', join(ROOT, 'test/fixtures/archives/cifar-10-python.tar.gz'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'cifar', items: 9, subsets: [{ name: 'data_batch_1', items: 3 }, { name: 'data_batch_2', items: 2 }, { name: 'test_batch', items: 4 }] });
  });

  it('--max-entries / --max-total-bytes set the import limits (ARCHIVE_TOO_LARGE, exit 1); bad values exit 2', () => {
    const archive = join(ROOT, 'test/fixtures/archives/cifar-10-python.tar.gz');
    const entries = cli('info', archive, '--max-entries', '2');
    expect(entries.code).toBe(1);
    expect(entries.stderr).toContain('[ARCHIVE_TOO_LARGE]');
    expect(entries.stderr).toContain('more than 2 entries (limits.maxEntries)');
    const bytes = cli('convert', '-i', archive, '-f', 'cifar', '-o', join(tempDir(), 'out'), '--max-total-bytes', '1000');
    expect(bytes.code).toBe(1);
    expect(bytes.stderr).toContain('[ARCHIVE_TOO_LARGE]');
    expect(bytes.stderr).toContain('limits.maxTotalBytes');
    const bad = cli('info', archive, '--max-entries', '-1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-entries needs an integer >= 0, got '-1'");
    expect(cli('info', archive, '--max-entries', '20', '--json').code).toBe(0);
  });

  it('prints a readable table', () => {
    const r = cli('info', PY2);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('format cifar, 9 items, 10 labels');
    expect(r.stdout).toMatch(/ship\s+3 #+/);
  });
});

describe('project', () => {
  it('create, import and export (merged sources), keeping a valid config', async () => {
    const project = join(tempDir(), 'proj');
    expect(cli('project', 'create', '-o', project).code).toBe(0);
    expect(cli('project', 'create', '-o', project).code).toBe(1); // exists
    const imp = cli('project', 'import', '--format', 'cifar', '-p', project, PY2);
    expect(imp.code, imp.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(project, '.cifarkit', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ version: 1, sources: [{ name: 'source-1', format: 'cifar' }] });
    expect(readdirSync(join(project, '.cifarkit'))).toEqual(['config.json']);
    const out = join(tempDir(), 'exported');
    const exp = cli('project', 'export', '-p', project, '-f', 'imagenet', '-o', out, '--', '--save-media');
    expect(exp.code, exp.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['cat', 'deer', 'frog', 'horse', 'ship', 'truck']);
  });

  it('import into a folder without a project exits 1 and says what to do', () => {
    const r = cli('project', 'import', '-p', tempDir(), PY2);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('project create');
  });
});

describe('preview', () => {
  it("writes a PNG mosaic whose cells hold the classes' first images", async () => {
    const { dir, ds } = await petsDataset();
    const out = join(tempDir(), 'mosaic.png');
    const r = cli('preview', dir, '-o', out, '--per-class', '2', '--scale', '1');
    expect(r.code, r.stderr).toBe(0);
    const png = decodeImage(new Uint8Array(readFileSync(out)), out);
    const { renderMosaic } = await import('../../src/index.js');
    const { layout } = renderMosaic(ds, { perClass: 2, scale: 1 });
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    for (const row of layout.rows) {
      for (const cell of row.cells) {
        const src = ds.get(cell.id, cell.subset)!.media!;
        const at = (cell.y * png.width + cell.x) * 3;
        expect([...png.data.subarray(at, at + 3)]).toEqual([...src.data.subarray(0, 3)]);
      }
    }
    expect(layout.rows.find((row) => row.name === 'dog')!.cells.map((c) => c.id)).toEqual(['dog_1', 'dog_2']);
  });
});

describe('--workers (image encoding threads)', () => {
  const files = (dir: string, prefix = ''): Map<string, string> => {
    const out = new Map<string, string>();
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) for (const [k, v] of files(join(dir, e.name), `${prefix}${e.name}/`)) out.set(k, v);
      else out.set(`${prefix}${e.name}`, sha256(readFileSync(join(dir, e.name))));
    }
    return out;
  };

  it('convert writes the same files with 1 and with 2 threads, and says so in --help', () => {
    const dir = tempDir();
    const one = cli('convert', '-i', PY2, '-f', 'imagenet', '-o', join(dir, 'one'), '--workers', '1');
    const two = cli('convert', '-i', PY2, '-f', 'imagenet', '-o', join(dir, 'two'), '--workers', '2');
    expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0]);
    const a = files(join(dir, 'one'));
    expect(a.size).toBeGreaterThan(5);
    expect(files(join(dir, 'two'))).toEqual(a);
    expect(cli('convert', '--help').stdout).toContain('--workers');
  });

  it('refuses --workers 0 as bad usage (exit 2) and writes nothing', () => {
    const dir = tempDir();
    const r = cli('convert', '-i', PY2, '-f', 'imagenet', '-o', join(dir, 'out'), '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--workers needs an integer from 1 to 256, got '0'");
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
