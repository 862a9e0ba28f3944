/**
 * End-to-end: `cifarkit validate` and `transform -t remove_duplicates` with the built binary on a
 * CIFAR folder holding planted exact copies, near-duplicates and look-alikes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, type ValidationReport } from '../../src/index.js';
import { planted } from '../validate/fixture.js';
import { cli, requireBuiltCli, tempDir as makeTempDir } from './binary.js';


const tempDir = () => makeTempDir('cifarkit-validate-');

/** data_batch_1: 4 originals and an exact copy of orig1; test_batch: a copy of orig0, near-duplicates (JPEG q75, brighter) and look-alikes (mirrored). */
async function plantedCifar(): Promise<{ dir: string; ds: Dataset }> {
  const p = planted(4, 3);
  const items: DatasetItem[] = [];
  const add = (id: string, subset: string, px: Uint8Array, label: number) =>
    items.push(new DatasetItem({ id, subset, media: Image.fromHWC(px, 32, 32, 3, { ext: '.png' }), annotations: [new Label(label)] }));
  p.originals.forEach((px, i) => add(`orig${i}`, 'data_batch_1', px, i));
  add('orig1_again', 'data_batch_1', p.originals[1]!.slice(), 1);
  add('copy0', 'test_batch', p.originals[0]!.slice(), 0);
  for (const n of p.near) if (n.kind === 'jpeg q75' || n.kind === 'brighter+12') add(`near${n.of}_${n.kind === 'jpeg q75' ? 'jpeg' : 'bright'}`, 'test_batch', n.pixels, n.of);
  for (const n of p.lookalikes) if (n.kind === 'mirrored') add(`mirror${n.of}`, 'test_batch', n.pixels, n.of);
  const ds = Dataset.fromIterable(items, { labels: ['a', 'b', 'c', 'd', 'unused'] });
  const dir = join(tempDir(), 'planted');
  await ds.export(dir, 'cifar');
  return { dir, ds };
}

requireBuiltCli();

describe('cifarkit validate', () => {
  it('--json gives { summary, labels, duplicates }, the same as ds.validate() on the read dataset', async () => {
    const { dir } = await plantedCifar();
    const r = cli('validate', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ValidationReport;
    const expected = (await Dataset.importFrom(dir, undefined, { checksums: true })).validate(); // the CLI takes the official-files checksums
    expect(report).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(report.duplicates.filter((d) => d.exact).map((d) => `${d.a.subset}/${d.a.id} = ${d.b.subset}/${d.b.id}`)).toEqual([
      'data_batch_1/orig0 = test_batch/copy0',
      'data_batch_1/orig1 = data_batch_1/orig1_again',
    ]);
    const ids = new Set(report.duplicates.flatMap((d) => [d.a.id, d.b.id]));
    for (let i = 0; i < 4; i++) for (const id of [`orig${i}`, `near${i}_jpeg`, `near${i}_bright`]) expect(ids.has(id), id).toBe(true);
    expect([...ids].some((id) => id.startsWith('mirror'))).toBe(false);
    expect(report.labels.map((a) => [a.type, a.label])).toEqual([
      ['LabelDefinedButNotFound', 'unused'],
      ['ImbalancedLabels', undefined],
    ]);
    expect(report.summary.threshold).toBe(8);
  });

  it('prints a short table and writes --report as HTML with each pair inline', async () => {
    const { dir } = await plantedCifar();
    const html = join(tempDir(), 'report.html');
    const r = cli('validate', dir, '--report', html);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(cli('validate', dir, '--json').stdout) as ValidationReport;
    const near = json.duplicates.length - 2;
    expect(r.stdout).toContain(`${dir}: 18 items (data_batch_1 5, test_batch 13), 18 images`);
    const across = json.duplicates.filter((d) => d.a.subset !== d.b.subset).length;
    expect(r.stdout).toContain(`duplicates: 2 exact, ${near} near (pHash, distance <= 8), ${across} of them across subsets`);
    expect(r.stdout).toMatch(/data_batch_1\/orig0 +test_batch\/copy0 +0 \(exact\)/);
    expect(r.stdout).toContain('warning  LabelDefinedButNotFound  ');
    expect(r.stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<img src="data:image\/png;base64,/g)?.length).toBe(2 * json.duplicates.length);
    expect(page).toContain('test_batch / copy0');
    // An existing report is kept unless --overwrite.
    expect(cli('validate', dir, '--report', html).code).toBe(1);
    expect(cli('validate', dir, '--report', html, '--overwrite').code).toBe(0);
  });

  it('--threshold 0 and --no-duplicates; bad values exit 2; a missing path exits 1', async () => {
    const { dir } = await plantedCifar();
    const strict = JSON.parse(cli('validate', dir, '--json', '--threshold', '0').stdout) as ValidationReport;
    expect(strict.duplicates.every((d) => d.distance === 0)).toBe(true);
    const none = JSON.parse(cli('validate', dir, '--json', '--no-duplicates').stdout) as ValidationReport;
    expect([none.duplicates, none.summary.threshold]).toEqual([[], null]);
    const bad = cli('validate', dir, '--threshold', '65');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--threshold needs an integer from 0 to 64, got '65'");
    const missing = cli('validate', join(tempDir(), 'nothing'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FILE_NOT_FOUND');
  });

  it('--help explains the options and the JSON', () => {
    expect(cli('--help').stdout).toContain('validate [target]');
    const r = cli('validate', '--help');
    expect(r.code).toBe(0);
    for (const s of ['--threshold', '--report', '--few-samples-thr', '--imbalance-ratio-thr', '--far-from-mean-thr', 'distance, exact']) expect(r.stdout).toContain(s);
  });
});

describe('cifarkit transform -t remove_duplicates', () => {
  it('drops the duplicates, keeping the copy in --keep', async () => {
    const { dir } = await plantedCifar();
    const out = join(tempDir(), 'out');
    const r = cli('transform', dir, '-t', 'remove_duplicates', '-o', out, '--', '--keep', 'test_batch');
    expect(r.code, r.stderr).toBe(0);
    const kept = await Dataset.importFrom(out);
    expect([...kept].map((i) => `${i.subset}/${i.id}`)).toEqual([
      'test_batch/copy0',
      'test_batch/near1_bright',
      'test_batch/near2_bright',
      'test_batch/near3_bright',
      'test_batch/mirror0',
      'test_batch/mirror1',
      'test_batch/mirror2',
      'test_batch/mirror3',
    ]);
    const out2 = join(tempDir(), 'out2');
    expect(cli('transform', dir, '-t', 'remove_duplicates', '-o', out2).code).toBe(0);
    expect([...(await Dataset.importFrom(out2))].map((i) => i.id)).toEqual(['orig0', 'orig1', 'orig2', 'orig3', 'mirror0', 'mirror1', 'mirror2', 'mirror3']);
    expect(cli('transform', dir, '-t', 'remove_duplicates', '-o', out, '--', '-h').stdout).toContain('--keep <subset>');
  });
});
