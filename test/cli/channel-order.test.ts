/**
 * End-to-end (issue 19): `--channel-order` (reading) and `-- --channel-order` (writing) on
 * Datumaro's BGR output, checked before any work; import warnings as stderr lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { sha256 } from '../helpers.js';
import { cli, requireBuiltCli, ROOT, tempDir } from './binary.js';

const RUNS = join(ROOT, 'test/fixtures/datumaro-runs');
const BGR_CIFAR = join(RUNS, 'bgr/cifar');
const PNGS = join(RUNS, 'bgr/png');
const results = JSON.parse(readFileSync(join(RUNS, 'results.json'), 'utf8'));

requireBuiltCli();

describe('cifarkit --channel-order', () => {
  it("--channel-order bgr reads Datumaro's planes in their true colours (convert repairs the files)", async () => {
    const out = join(tempDir(), 'fixed');
    const r = cli('convert', '-if', 'cifar', '-i', BGR_CIFAR, '-f', 'cifar', '-o', out, '--channel-order', 'bgr', '--', '--save-media');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const fixed = await Dataset.importFrom(out);
    for (const item of results.bgr.items) expect(sha256(fixed.get(item.id)!.media!.data), item.id).toBe(item.png_rgb_sha256);
  });

  it('-- --channel-order bgr writes the planes as Datumaro does', async () => {
    const out = join(tempDir(), 'as-datumaro');
    const r = cli('convert', '-if', 'imagenet', '-i', PNGS, '-f', 'cifar', '-o', out, '--', '--save-media', '--channel-order', 'bgr');
    expect(r.code).toBe(0);
    const mine = await Dataset.importFrom(out);
    const datumaro = await Dataset.importFrom(BGR_CIFAR);
    for (const item of results.bgr.items) expect(sha256(mine.get(item.id)!.media!.data)).toBe(sha256(datumaro.get(item.id)!.media!.data));
  });

  it.each([
    [['--channel-order', 'grb'], 'channel-order'],
    [['--', '--save-media', '--channel-order', 'BGR'], 'channel-order'],
  ])('refuses %j with exit 2 before reading or writing anything', (extra, mention) => {
    const out = join(tempDir(), 'never');
    const r = cli('convert', '-if', 'cifar', '-i', BGR_CIFAR, '-f', 'cifar', '-o', out, ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(mention);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses bgr for an input format without planes (exit 2, nothing written)', () => {
    const out = join(tempDir(), 'never');
    const r = cli('convert', '-if', 'imagenet', '-i', PNGS, '-f', 'cifar', '-o', out, '--channel-order', 'bgr');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[INVALID_ARGUMENT] channelOrder 'bgr' applies to the planar CIFAR format, not to 'imagenet'");
    expect(existsSync(out)).toBe(false);
  });
});

describe('cifarkit import warnings', () => {
  it('a batch naming a file twice: every item converted, one warning line on stderr', () => {
    const input = join(RUNS, 'duplicate-names/cifar');
    const out = join(tempDir(), 'dups');
    const r = cli('convert', '-i', input, '-f', 'imagenet', '-o', out, '--', '--save-media');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('converted 4 items');
    expect(r.stderr.trim().split('\n')).toEqual([
      `cifarkit: warning [DUPLICATE_ITEM_ID] ${join(input, 'data_batch_1')}: item 2: file name 'a.png' gives the id 'a' of item 0 again; kept as 'a_3'`,
    ]);
    for (const f of ['cat/a.png', 'dog/b.png', 'frog/a_3.png', 'dog/a_2.png']) expect(existsSync(join(out, f)), f).toBe(true);
  });
});
