/** stats, compare and patch end to end: the built binary on datasets with known content. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, datasetStatistics, Image, Label } from '../../src/index.js';
import { noise, sha256 } from '../helpers.js';
import { cliIn, requireBuiltCli, tempDir } from './binary.js';

requireBuiltCli();

const img = (seed: number) => Image.fromHWC(noise(32 * 32 * 3, seed), 32, 32);

/** A CIFAR folder from [id, subset, label index, image seed] rows. */
async function cifar(dir: string, rows: readonly (readonly [string, string, number, number])[], labels = ['cat', 'dog', 'ship']): Promise<Dataset> {
  const ds = Dataset.fromIterable(
    rows.map(([id, subset, label, seed]) => new DatasetItem({ id, subset, media: img(seed), annotations: [new Label(label)] })),
    { labels },
  );
  await ds.export(dir, 'cifar');
  return ds;
}

const BASE = [
  ['a', 'data_batch_1', 0, 1],
  ['b', 'data_batch_1', 1, 2],
  ['c', 'test_batch', 2, 3],
  ['d', 'test_batch', 0, 1],
] as const;

describe('stats', () => {
  it("--json is the library's datasetStatistics of the read dataset, in datum's report shape", async () => {
    const work = tempDir();
    await cifar(join(work, 'ds'), BASE);
    const r = cliIn(work, 'stats', 'ds', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toEqual(JSON.parse(JSON.stringify(datasetStatistics(await Dataset.importFrom(join(work, 'ds'))))));
    expect(report.dataset).toMatchObject({ 'images count': 4, 'unique images count': 3, 'repeated images count': 1, 'repeated images': [[['a', 'data_batch_1'], ['d', 'test_batch']]] });
    expect(Object.keys(report)).toEqual(['dataset', 'subsets', 'images count', 'annotations count', 'unannotated images count', 'unannotated images', 'annotations by type', 'annotations']);
    expect(report.annotations.labels.distribution).toEqual({ cat: [2, 0.5], dog: [1, 0.25], ship: [1, 0.25] });
  });

  it('-s limits to a subset; --no-image-stats / --ann-stats false leave sections out; an unknown subset is exit 2', async () => {
    const work = tempDir();
    await cifar(join(work, 'ds'), BASE);
    const sub = JSON.parse(cliIn(work, 'stats', 'ds', '-s', 'test_batch', '--json').stdout);
    expect(Object.keys(sub.subsets)).toEqual(['test_batch']);
    expect(sub['images count']).toBe(2);
    expect(Object.keys(JSON.parse(cliIn(work, 'stats', 'ds', '--no-image-stats', '--json').stdout))).not.toContain('dataset');
    expect(Object.keys(JSON.parse(cliIn(work, 'stats', 'ds', '--ann-stats', 'false', '--json').stdout))).toEqual(['dataset', 'subsets']);
    const bad = cliIn(work, 'stats', 'ds', '-s', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("no subset 'nope'");
  });

  it('prints the mean and std per channel', async () => {
    const work = tempDir();
    await cifar(join(work, 'ds'), BASE);
    const r = cliIn(work, 'stats', 'ds');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mean \(RGB, 0-255\) {2}\d+\.\d{4}, \d+\.\d{4}, \d+\.\d{4}/);
    expect(r.stdout).toContain('repeated: data_batch_1/a, test_batch/d');
  });
});

describe('compare', () => {
  it('equal datasets: exit 0 (in any format: cifar vs its imagenet_txt copy with images)', async () => {
    const work = tempDir();
    await cifar(join(work, 'a'), BASE);
    expect(cliIn(work, 'convert', '-i', 'a', '-f', 'imagenet_txt', '-o', 'b', '--', '--save-media').code).toBe(0);
    const r = cliIn(work, 'compare', 'a', 'b:imagenet_txt', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ equal: true, items: { a: 4, b: 4, matched: 4, onlyInA: [], onlyInB: [], differing: [] } });
  });

  it('lists items only in one, and labels / pixels that differ; exit 1', async () => {
    const work = tempDir();
    await cifar(join(work, 'a'), BASE);
    await cifar(join(work, 'b'), [
      ['a', 'data_batch_1', 0, 1],
      ['b', 'data_batch_1', 2, 2], // label dog -> ship
      ['c', 'test_batch', 2, 9], // other pixels
      ['e', 'test_batch', 0, 5], // new; d is gone
    ], ['cat', 'dog', 'ship', 'frog']);
    const r = cliIn(work, 'compare', 'a', 'b', '--json');
    expect(r.code, r.stderr).toBe(1);
    const c = JSON.parse(r.stdout);
    expect(c.equal).toBe(false);
    expect(c.labels).toEqual({ onlyInA: [], onlyInB: ['frog'], orderDiffers: true });
    expect(c.items.onlyInA).toEqual([{ subset: 'test_batch', id: 'd' }]);
    expect(c.items.onlyInB).toEqual([{ subset: 'test_batch', id: 'e' }]);
    expect(c.items.differing).toEqual([
      { subset: 'data_batch_1', id: 'b', differences: ['labels'], a: { labels: ['dog'], size: [32, 32, 3] }, b: { labels: ['ship'], size: [32, 32, 3] } },
      { subset: 'test_batch', id: 'c', differences: ['pixels'], a: { labels: ['ship'], size: [32, 32, 3] }, b: { labels: ['ship'], size: [32, 32, 3] } },
    ]);
    const text = cliIn(work, 'compare', 'a', 'b');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('data_batch_1/b: labels dog / ship');
    expect(text.stdout).toContain('test_batch/c: pixels');
  });

  it('unreadable input is exit 2 (as diff: trouble), not 1', () => {
    const work = tempDir();
    const r = cliIn(work, 'compare', 'nothing', 'here');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FILE_NOT_FOUND');
  });
});

describe('patch', () => {
  it('replaces items by (subset, id), adds new ones, maps labels by name and drops unknown ones', async () => {
    const work = tempDir();
    const target = await cifar(join(work, 't'), BASE);
    await cifar(join(work, 'p'), [
      ['b', 'data_batch_1', 0, 7], // replaces b: label 'ship' in the patch's order, new pixels
      ['z', 'test_batch', 1, 8], // new, label 'frog' unknown to the target: dropped
    ], ['ship', 'frog']);
    const r = cliIn(work, 'patch', 't', 'p', '-o', 'out', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ items: 5, replaced: 1, added: 1, dropped: 1, format: 'cifar' });
    expect(r.stderr).toContain('1 patch annotations dropped');
    const out = await Dataset.importFrom(join(work, 'out'));
    expect(out.labels.items.map((l) => l.name)).toEqual(['cat', 'dog', 'ship']);
    const rows = [...out].map((i) => [i.subset, i.id, i.annotations.map((a) => out.labels.items[a.label]!.name)]);
    expect(rows).toEqual([
      ['data_batch_1', 'a', ['cat']],
      ['data_batch_1', 'b', ['ship']],
      ['test_batch', 'c', ['ship']],
      ['test_batch', 'd', ['cat']],
      ['test_batch', 'z', []],
    ]);
    expect(sha256(out.get('b', 'data_batch_1')!.media!.data)).toBe(sha256(img(7).data));
    expect(sha256(out.get('a', 'data_batch_1')!.media!.data)).toBe(sha256(target.get('a', 'data_batch_1')!.media!.data));
  });

  it('in place only with --overwrite (as datum)', async () => {
    const work = tempDir();
    await cifar(join(work, 't'), BASE);
    await cifar(join(work, 'p'), [['a', 'data_batch_1', 2, 4]]);
    const refused = cliIn(work, 'patch', 't', 'p');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pass --overwrite');
    expect(cliIn(work, 'patch', 't', 'p', '--overwrite').code).toBe(0);
    const back = await Dataset.importFrom(join(work, 't'));
    expect(back.labels.items[back.get('a', 'data_batch_1')!.annotations[0]!.label]!.name).toBe('ship');
    expect(back.size).toBe(4);
  });
});
