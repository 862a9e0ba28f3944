/**
 * PNG/JPEG encoding on worker threads during `Dataset.export` (`workers`): the same bytes as on
 * the main thread, errors with their codes, and the option checked. The threads run the built
 * dist/encode-worker.js (`npm test` builds first).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, encodeImage, type FormatName } from '../../src/index.js';
import { createEncoderPool } from '../../src/io/node-workers.js';
import { BACKENDS, expectCifarkitError, noise, withBackend } from '../helpers.js';

const dirs: string[] = [];
function tempParent(): string {
  const d = mkdtempSync(join(tmpdir(), 'cifarkit-pool-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Every file below `dir`: relative path -> bytes. */
function tree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of tree(path, `${prefix}${name}/`)) out.set(k, v);
    else out.set(`${prefix}${name}`, readFileSync(path));
  }
  return out;
}

/** 300 images: RGB and gray, several sizes, one with two labels (written twice), one unlabelled. */
function dataset(): Dataset {
  const items: DatasetItem[] = [];
  for (let i = 0; i < 300; i++) {
    const [h, w] = i % 7 === 0 ? [5, 9] : [32, 32];
    const channels = i % 11 === 0 ? 1 : 3;
    const annotations = i === 3 ? [new Label(0), new Label(2)] : i === 4 ? [] : [new Label(i % 3)];
    items.push(new DatasetItem({ id: `img${i}`, subset: 'train', media: Image.fromHWC(noise(h * w * channels, i + 1), h, w, channels, { ext: i % 5 === 0 ? '.jpg' : '.png' }), annotations }));
  }
  return Dataset.fromIterable(items, { labels: ['cat', 'dog', 'frog'] });
}

describe.each(BACKENDS)('export with encoding threads (%s backend)', (backend) => {
  it.each(['imagenet', 'imagenet_txt'])('%s: 3 threads write byte-identical files to 1 thread', async (format) => {
    const parent = tempParent();
    const ds = dataset();
    const one = join(parent, 'one');
    const three = join(parent, 'three');
    const options = format === 'imagenet_txt' ? { saveMedia: true } : {};
    expect(await withBackend(backend, () => ds.export(one, format as FormatName, { ...options, workers: 1 }))).toBe(await withBackend(backend, () => ds.export(three, format as FormatName, { ...options, workers: 3 })));
    const a = tree(one);
    const b = tree(three);
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect(a.size).toBeGreaterThanOrEqual(300);
    for (const [path, bytes] of a) expect(b.get(path)!.equals(bytes), path).toBe(true);
    // Both extensions were written, and the two-label image twice.
    expect([...a.keys()].filter((p) => p.endsWith('/img3.png') || p.endsWith('/img3.jpg')).length).toBe(format === 'imagenet' ? 2 : 1);
  });

  it('exportToFiles: 3 threads give the same files, in the same order, as 1 thread', async () => {
    const ds = dataset();
    const one = await withBackend(backend, () => ds.exportToFiles('imagenet', { workers: 1 }));
    const three = await withBackend(backend, () => ds.exportToFiles('imagenet', { workers: 3 }));
    expect([...three.keys()]).toEqual([...one.keys()]);
    expect(one.size).toBe(301);
    for (const [path, bytes] of one) expect(Buffer.from(three.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
  });

  it('an encoding error on a thread keeps its code and message, and leaves no output', async () => {
    const parent = tempParent();
    const items = [...dataset()];
    items.splice(150, 0, new DatasetItem({ id: 'empty', subset: 'train', media: Image.fromHWC(new Uint8Array(0), 0, 4, 3), annotations: [new Label(1)] }));
    const ds = Dataset.fromIterable(items, { labels: ['cat', 'dog', 'frog'] });
    const out = join(parent, 'out');
    await withBackend(backend, () => expectCifarkitError(() => ds.export(out, 'imagenet', { workers: 2 }), 'EXPORT_UNSUPPORTED', ['0x4', 'has no pixels']));
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('the encoder pool itself', () => {
  it('encodes on its threads the bytes encodeImage gives on the main thread, spread over every thread', async () => {
    const pool = createEncoderPool(2);
    try {
      const images = Array.from({ length: 40 }, (_, i) => Image.fromHWC(noise(3 * 32 * 32, i + 1), 32, 32, 3));
      const exts = images.map((_, i) => (i % 4 === 0 ? '.jpg' : '.png'));
      const fromThreads = await Promise.all(images.map((img, i) => pool.encode(img, exts[i]!, i % 8 === 0 ? 50 : undefined)));
      images.forEach((img, i) => {
        const inline = encodeImage(img, exts[i]!, i % 8 === 0 ? { jpegQuality: 50 } : {});
        expect(Buffer.from(fromThreads[i]!).equals(Buffer.from(inline)), `image ${i}`).toBe(true);
      });
      // The pool's inputs were copies: the images themselves are intact.
      expect(images[0]!.data).toEqual(noise(3 * 32 * 32, 1));
    } finally {
      await pool.close();
    }
  });

  it('a request still waiting when the pool closes fails with WRITE_FAILED', async () => {
    const pool = createEncoderPool(1);
    const pending = pool.encode(Image.fromHWC(noise(3 * 64 * 64, 3), 64, 64, 3), '.png', undefined);
    const settled = pending.then(
      () => null,
      (err: unknown) => err,
    );
    await pool.close();
    await expectCifarkitError(async () => {
      const err = await settled;
      if (err) throw err;
    }, 'WRITE_FAILED', ['stopped']);
  });
});

describe('the workers option', () => {
  it.each([0, -1, 1.5, '2'])('refuses %j', async (workers) => {
    const parent = tempParent();
    await expectCifarkitError(() => dataset().export(join(parent, 'out'), 'imagenet', { workers: workers as number }), 'INVALID_ARGUMENT', ['workers', String(workers)]);
    expect(readdirSync(parent)).toEqual([]);
  });
});
