/**
 * hf_parquet through the built CLI: detected as input, chosen with -if / -f, with filters,
 * transforms and validate, as every format.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { sha256 } from '../helpers.js';
import { cli, requireBuiltCli, ROOT, tempDir } from './binary.js';

const HUB10 = join(ROOT, 'test/fixtures/parquet/hub-hyparquet/cifar10');
const HUB100 = join(ROOT, 'test/fixtures/parquet/hub-duckdb/cifar100');
const PY2 = join(ROOT, 'test/fixtures/generated/py2-cifar10');

requireBuiltCli();

const pixels = (ds: Dataset) => [...ds].map((i) => [i.subset, i.annotations[0]?.label ?? null, sha256(i.media!.data)]);

describe('hf_parquet in the CLI', () => {
  it('convert: the Hub layout (detected) -> CIFAR pickles, exact pixels, labels and superclasses', async () => {
    const out = join(tempDir(), 'c100');
    const r = cli('convert', '-i', HUB100, '-f', 'cifar', '-o', out, '--json', '--', '--save-media');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ inputFormat: 'hf_parquet', format: 'cifar', items: 18 });
    const [source, back] = [await Dataset.importFrom(HUB100), await Dataset.importFrom(out)];
    expect(pixels(back)).toEqual(pixels(source));
    expect(back.labels.items.filter((l) => l.parent !== '').map((l) => [l.name, l.parent])).toEqual(
      source.labels.items.filter((l) => l.parent !== '').map((l) => [l.name, l.parent]),
    );
  });

  it('convert -if cifar -f hf_parquet writes data/<subset>-00000-of-00001.parquet that reads back the same', async () => {
    const out = join(tempDir(), 'pq');
    const r = cli('convert', '-if', 'cifar', '-i', PY2, '-f', 'hf_parquet', '-o', out);
    expect(r.code, r.stderr).toBe(0);
    const [source, back] = [await Dataset.importFrom(PY2), await Dataset.importFrom(out, 'hf_parquet')];
    expect(readdirSync(join(out, 'data')).sort()).toEqual(source.subsets().map((s) => `${s}-00000-of-00001.parquet`).sort());
    expect([...back].map((i) => [i.subset, i.id])).toEqual([...source].map((i) => [i.subset, i.id]));
    expect(pixels(back)).toEqual(pixels(source));
  });

  it('filter -e on parquet input writes parquet with the kept items; transform keeps the format', async () => {
    const out = join(tempDir(), 'cats');
    const r = cli('filter', '-if', 'hf_parquet', '-i', HUB10, '-o', out, '-e', '/item[annotation/label="cat" or annotation/label="ship"]');
    expect(r.code, r.stderr).toBe(0);
    const source = await Dataset.importFrom(HUB10);
    const wanted = [...source].filter((i) => ['cat', 'ship'].includes(source.labels.items[i.annotations[0]!.label]!.name));
    const kept = await Dataset.importFrom(out);
    expect(kept.format).toBe('hf_parquet');
    expect(pixels(kept)).toEqual(pixels(Dataset.fromIterable(wanted, { labels: source.labels })));

    const split = join(tempDir(), 'split');
    const t = cli('transform', '-t', 'random_split', '-i', HUB10, '-o', split, '--', '-s', 'a:.5', '-s', 'b:.5', '--seed', '3');
    expect(t.code, t.stderr).toBe(0);
    expect(readdirSync(join(split, 'data')).sort()).toEqual(['a-00000-of-00001.parquet', 'b-00000-of-00001.parquet']);
    expect((await Dataset.importFrom(split)).size).toBe(24);
  });

  it('a file that is not parquet, read as hf_parquet, exits 1 with PARQUET_INVALID', () => {
    const r = cli('info', join(ROOT, 'test/fixtures/parquet/source/rows.json'), '-if', 'hf_parquet');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PARQUET_INVALID');
  });
});

describe('hf_parquet exporter options in the CLI', () => {
  it('-- --codec GZIP writes gzip pages; images are written without --save-media and no note says otherwise', async () => {
    const out = join(tempDir(), 'gz');
    const r = cli('convert', '-i', PY2, '-f', 'hf_parquet', '-o', out, '--', '--codec', 'GZIP');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('images were not written');
    const { parquetMetadata } = await import('hyparquet/src/index.js');
    const file = readdirSync(join(out, 'data'))[0]!;
    const md = parquetMetadata(new Uint8Array(readFileSync(join(out, 'data', file))));
    expect(new Set(md.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec)))).toEqual(new Set(['GZIP']));
    expect([...(await Dataset.importFrom(out))].every((i) => i.media !== null)).toBe(true);
    const bad = cli('convert', '-i', PY2, '-f', 'hf_parquet', '-o', join(tempDir(), 'x'), '--', '--codec', 'LZO');
    expect(bad.code).toBe(2);
  });
});
