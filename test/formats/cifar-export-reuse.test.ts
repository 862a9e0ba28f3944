/**
 * The CIFAR exporter reuses a subset's CHW block for a later subset once the consumer hands it
 * back (ExportedFile.release): every subset must still get its own pixels, on disk and in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label } from '../../src/index.js';
import { BACKENDS, noise, sha256, withBackend } from '../helpers.js';

/** Four subsets of the same size (so blocks are interchangeable), each image its own noise. */
function subsetsOfEqualSize(): Dataset {
  const items: DatasetItem[] = [];
  for (let s = 0; s < 4; s++) {
    for (let i = 0; i < 5; i++) {
      const seed = 1 + s * 100 + i;
      items.push(new DatasetItem({ id: `img${i}`, subset: `data_batch_${s + 1}`, media: Image.fromHWC(noise(3072, seed), 32, 32), annotations: [new Label((s + i) % 3)] }));
    }
  }
  return Dataset.fromIterable(items, { labels: ['a', 'b', 'c'] });
}

const fingerprint = (ds: Dataset) => [...ds].map((it) => `${it.subset}/${it.id}:${it.annotations[0]!.label}:${sha256(it.media!.data)}`).sort();

describe.each(BACKENDS)('CIFAR export with reused blocks (%s backend)', (backend) => {
  it('to disk: every subset reads back with its own pixels', async () => {
    const source = subsetsOfEqualSize();
    const parent = mkdtempSync(join(tmpdir(), 'cifarkit-reuse-'));
    try {
      await withBackend(backend, () => source.export(join(parent, 'out'), 'cifar'));
      const back = await withBackend(backend, () => Dataset.importFrom(join(parent, 'out')));
      expect(fingerprint(back)).toEqual(fingerprint(source));
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('in memory: every subset file holds its own pixels', async () => {
    const source = subsetsOfEqualSize();
    const files = await withBackend(backend, () => source.exportToFiles('cifar'));
    const back = await withBackend(backend, () => Dataset.importFrom(Object.fromEntries(files)));
    expect(fingerprint(back)).toEqual(fingerprint(source));
  });
});
