// ds.validate: Datumaro's classification label checks, the image checks, and duplicates on a
// fixture with planted exact copies, near-duplicates and look-alikes; remove_duplicates; the
// HTML report. Everything that touches pixels runs on both backends.
import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, decodeImage, Image, Label, parseTransformArgs, validationReportHtml, type ValidationReport } from '../../src/index.js';
import { jsHashKernels } from '../../src/kernels/hash.js';
import { BACKENDS, expectCifarkitError, noise, withBackend } from '../helpers.js';
import { planted } from './fixture.js';

let seed = 1;
const img = (h = 32, w = 32) => Image.fromHWC(noise(h * w * 3, seed++), h, w);
const item = (id: string, subset: string, labels: number[], media: Image | null = img()) =>
  new DatasetItem({ id, subset, media, annotations: labels.map((l) => new Label(l)) });
const where = (a: { item?: { subset: string; id: string }; label?: string }) => (a.item ? `${a.item.subset}/${a.item.id}` : (a.label ?? ''));

describe('the label report (Datumaro classification checks)', () => {
  it('reports each check in Datumaro order, with its severity and item or label', () => {
    const ds = Dataset.fromIterable(
      [
        item('a1', 'train', [0]),
        item('a2', 'train', [0]),
        item('a3', 'train', [0]),
        item('b1', 'train', [1]),
        item('none', 'train', []),
        item('two', 'test', [0, 1]),
        item('bad', 'test', [7]),
        item('noimg', 'test', [0], null),
      ],
      { labels: ['cat', 'dog', 'bird'] },
    );
    const r = ds.validate({ duplicates: false, fewSamplesThr: 2 });
    expect(r.labels.map((a) => [a.type, a.severity, where(a)])).toEqual([
      ['MissingAnnotation', 'warning', 'train/none'],
      ['MultiLabelAnnotations', 'error', 'test/two'],
      ['LabelDefinedButNotFound', 'warning', 'bird'],
      ['FewSamplesInLabel', 'warning', 'dog'],
      ['ImbalancedLabels', 'warning', ''],
      ['UndefinedLabel', 'error', 'test/bad'],
      ['MissingImage', 'warning', 'test/noimg'],
    ]);
    expect(r.labels[3]).toEqual({ type: 'FewSamplesInLabel', severity: 'warning', description: "the label 'dog' has only 2 samples (threshold 2)", label: 'dog', count: 2 });
    expect(r.labels[5]!.description).toBe("item 'bad' in subset 'test' has the label 7, which is not one of the 3 label categories");
    expect(r.summary.labelCounts).toEqual({ cat: 5, dog: 2, bird: 0 });
    expect(r.summary.imbalanceRatio).toBe(Infinity);
    expect([r.summary.errors, r.summary.warnings]).toEqual([2, 5]);
    // Datumaro's default few_samples_thr is 1: dog's 2 samples are not few.
    expect(ds.validate({ duplicates: false }).labels.map((a) => a.type)).not.toContain('FewSamplesInLabel');
  });

  it('MissingLabelCategories without label categories; no imbalance without labels', () => {
    const r = Dataset.fromIterable([item('x', 'train', [])]).validate();
    expect(r.labels.map((a) => [a.type, a.severity])).toEqual([
      ['MissingLabelCategories', 'error'],
      ['MissingAnnotation', 'warning'],
    ]);
    expect(r.summary.imbalanceRatio).toBeNull();
  });

  it('OnlyOneLabel, and ImbalancedLabels at the ratio threshold (>=, as Datumaro)', () => {
    const one = Dataset.fromIterable([item('a', 's', [0]), item('b', 's', [0])], { labels: ['cat'] }).validate({ duplicates: false });
    expect(one.labels).toEqual([{ type: 'OnlyOneLabel', severity: 'warning', description: "only one label is used: 'cat'", label: 'cat' }]);
    const items = [...Array.from({ length: 50 }, (_, i) => item(`c${i}`, 's', [0])), item('d', 's', [1])];
    const ds = Dataset.fromIterable(items, { labels: ['cat', 'dog'] });
    const r = ds.validate({ duplicates: false });
    expect(r.labels.map((a) => [a.type, where(a)])).toEqual([
      ['FewSamplesInLabel', 'dog'],
      ['ImbalancedLabels', ''],
    ]);
    expect(r.labels[1]!.description).toBe('the labels are imbalanced: the largest has 50 samples, the smallest 1 (ratio 50.0, threshold 50)');
    expect(r.summary.imbalanceRatio).toBe(50);
    expect(ds.validate({ duplicates: false, imbalanceRatioThr: 51, fewSamplesThr: 0 }).labels).toEqual([]);
  });

  it('UnusualImageSize: farther than far_from_mean_thr standard deviations from the mean size', () => {
    const items = [...Array.from({ length: 40 }, (_, i) => item(`i${i}`, 's', [0])), item('big', 's', [0], img(64, 48))];
    const ds = Dataset.fromIterable(items, { labels: ['cat'] });
    const sizes = ds.validate({ duplicates: false }).labels.filter((a) => a.type === 'UnusualImageSize');
    // z = sqrt(40) = 6.3 > 5 for the one odd image of 41
    expect(sizes).toEqual([
      {
        type: 'UnusualImageSize',
        severity: 'warning',
        description: "item 'big' in subset 's' is 64x48, far from the mean size 32.8x32.4 (more than 5 standard deviations)",
        item: { subset: 's', id: 'big' },
      },
    ]);
    expect(ds.validate({ duplicates: false, farFromMeanThr: 7 }).labels.filter((a) => a.type === 'UnusualImageSize')).toEqual([]);
  });

  it('refuses bad options, naming them', async () => {
    const ds = Dataset.fromIterable([item('a', 's', [0])], { labels: ['cat'] });
    await expectCifarkitError(() => ds.validate({ threshold: 65 }), 'INVALID_ARGUMENT', ["'threshold'", '0-64', '65']);
    await expectCifarkitError(() => ds.validate({ threshold: 2.5 }), 'INVALID_ARGUMENT', ["'threshold'"]);
    await expectCifarkitError(() => ds.validate({ maxPairs: 0 }), 'INVALID_ARGUMENT', ["'maxPairs'"]);
    await expectCifarkitError(() => ds.validate({ fewSamplesThr: -1 }), 'INVALID_ARGUMENT', ["'fewSamplesThr'"]);
    await expectCifarkitError(() => ds.validate({ tresh: 3 } as never), 'INVALID_ARGUMENT', ["unknown option 'tresh'"]);
  });
});

// ---- duplicates on the planted fixture ---------------------------------------------------------

/**
 * train: the 6 originals and an exact copy of orig2 (same subset); test: exact copies of orig0 and
 * orig3, then 5 near-duplicates of each original, then 3 look-alikes of each.
 */
function plantedDataset(): { ds: Dataset; family: Map<string, number>; lookalikes: Set<string> } {
  const p = planted(6, 3);
  const family = new Map<string, number>();
  const lookalikes = new Set<string>();
  const items: DatasetItem[] = [];
  const add = (id: string, subset: string, pixels: Uint8Array, fam: number | null) => {
    items.push(new DatasetItem({ id, subset, media: Image.fromHWC(pixels, 32, 32), annotations: [new Label(0)] }));
    if (fam === null) lookalikes.add(`${subset}/${id}`);
    else family.set(`${subset}/${id}`, fam);
  };
  p.originals.forEach((px, i) => add(`orig${i}`, 'train', px, i));
  add('orig2_again', 'train', p.originals[2]!.slice(), 2);
  add('copy0', 'test', p.originals[0]!.slice(), 0);
  add('copy3', 'test', p.originals[3]!.slice(), 3);
  p.near.forEach((n, k) => add(`near${n.of}_${k % 5} ${n.kind}`, 'test', n.pixels, n.of));
  p.lookalikes.forEach((n, k) => add(`look${n.of}_${k % 3} ${n.kind}`, 'test', n.pixels, null));
  return { ds: Dataset.fromIterable(items, { labels: ['thing'] }), family, lookalikes };
}

/** The pairs a plain loop over every pair of items finds with the TS pHash. */
function referencePairs(ds: Dataset, threshold: number): string[] {
  const items = [...ds];
  const hashes = items.map((i) => {
    const out = new Uint32Array(2);
    jsHashKernels.phash(i.media!.data, 1, 32, 32, 3, out);
    return out;
  });
  const pop = (x: number) => {
    let n = 0;
    for (; x; x >>>= 1) n += x & 1;
    return n;
  };
  const out: string[] = [];
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      const d = pop(hashes[a]![0]! ^ hashes[b]![0]!) + pop(hashes[a]![1]! ^ hashes[b]![1]!);
      if (d <= threshold) out.push(`${items[a]!.subset}/${items[a]!.id} | ${items[b]!.subset}/${items[b]!.id} | ${d}`);
    }
  }
  return out;
}

const pairKey = (d: ValidationReport['duplicates'][number]) => `${d.a.subset}/${d.a.id} | ${d.b.subset}/${d.b.id} | ${d.distance}`;

describe.each(BACKENDS)('duplicates (%s backend)', (backend) => {
  it('finds the planted exact and near-duplicates, within and across subsets, and no look-alike', () =>
    withBackend(backend, () => {
      const { ds, family, lookalikes } = plantedDataset();
      const r = ds.validate();
      expect(r.summary.backend).toBe(backend);
      expect(r.summary.threshold).toBe(8);
      const exact = r.duplicates.filter((d) => d.exact).map((d) => `${d.a.subset}/${d.a.id} = ${d.b.subset}/${d.b.id}`);
      expect(exact).toEqual(['train/orig0 = test/copy0', 'train/orig2 = train/orig2_again', 'train/orig3 = test/copy3']);
      for (const d of r.duplicates) {
        const a = `${d.a.subset}/${d.a.id}`;
        const b = `${d.b.subset}/${d.b.id}`;
        expect(lookalikes.has(a) || lookalikes.has(b), `${a} ~ ${b}`).toBe(false);
        expect(family.get(a), `${a} ~ ${b}`).toBe(family.get(b));
        if (d.exact) expect(d.distance).toBe(0);
      }
      // Every near-duplicate is paired with its original.
      for (const [key, fam] of family) {
        if (!key.startsWith('test/near')) continue;
        expect(r.duplicates.some((d) => `${d.a.subset}/${d.a.id}` === `train/orig${fam}` && `${d.b.subset}/${d.b.id}` === key), key).toBe(true);
      }
      // The brightness-shifted copy has the original's pHash but other pixels: distance 0, not exact.
      const bright = r.duplicates.find((d) => d.a.id === 'orig0' && d.b.id === 'near0_0 brighter+12')!;
      expect([bright.distance, bright.exact]).toEqual([0, false]);
      // The JPEG q50 copy of orig0 sits at the threshold: in at 8, out at 7.
      const q50 = r.duplicates.find((d) => d.a.id === 'orig0' && d.b.id === 'near0_4 jpeg q50')!;
      expect(q50.distance).toBe(8);
      expect(ds.validate({ threshold: 7 }).duplicates.some((d) => d.a.id === 'orig0' && d.b.id === 'near0_4 jpeg q50')).toBe(false);
      // Exactly the pairs (and order) of a brute-force search over all pairs of items.
      expect(r.duplicates.map(pairKey)).toEqual(referencePairs(ds, 8));
      expect([r.summary.exactDuplicates, r.summary.nearDuplicates]).toEqual([3, r.duplicates.length - 3]);
      expect(r.summary.acrossSubsets).toBe(r.duplicates.filter((d) => d.a.subset === 'train' && d.b.subset === 'test').length);
      expect(r.summary.acrossSubsets).toBeGreaterThan(30);
    }));

  it('threshold 0 keeps exact copies and identical pHashes only; maxPairs cuts the list', () =>
    withBackend(backend, () => {
      const { ds } = plantedDataset();
      const r0 = ds.validate({ threshold: 0 });
      expect(r0.duplicates.every((d) => d.distance === 0)).toBe(true);
      expect(r0.duplicates.map(pairKey)).toEqual(referencePairs(ds, 0));
      const cut = ds.validate({ maxPairs: 2 });
      expect(cut.duplicates.map(pairKey)).toEqual(referencePairs(ds, 8).slice(0, 2));
      expect(cut.summary.duplicatesTruncated).toBe(true);
      expect(ds.validate().summary.duplicatesTruncated).toBe(false);
    }));

  it('skips items without an image, and compares sizes: the same bytes in another shape are not exact', () =>
    withBackend(backend, () => {
      const px = noise(16 * 48 * 3, 4);
      const ds = Dataset.fromIterable([
        new DatasetItem({ id: 'wide', media: Image.fromHWC(px, 16, 48) }),
        new DatasetItem({ id: 'tall', media: Image.fromHWC(px, 48, 16) }),
        new DatasetItem({ id: 'gray', media: Image.fromHWC(px, 48, 48, 1) }),
        new DatasetItem({ id: 'none' }),
        new DatasetItem({ id: 'wide2', media: Image.fromHWC(px.slice(), 16, 48) }),
      ]);
      const r = ds.validate({ threshold: 0 });
      expect(r.summary.images).toBe(4);
      expect(r.duplicates).toEqual([{ a: { subset: 'default', id: 'wide' }, b: { subset: 'default', id: 'wide2' }, distance: 0, exact: true }]);
    }));
});

describe('the report', () => {
  it('has the JSON shape { summary, labels, duplicates } and the same content on both backends', async () => {
    const reports: string[] = [];
    for (const backend of BACKENDS) {
      reports.push(
        await withBackend(backend, () => {
          const r = plantedDataset().ds.validate();
          expect(r.summary.backend).toBe(backend);
          return JSON.stringify({ ...r, summary: { ...r.summary, backend: 'either' } });
        }),
      );
    }
    expect(reports[0]).toBe(reports[1]);
    const r = JSON.parse(reports[0]!) as ValidationReport;
    expect(Object.keys(r)).toEqual(['summary', 'labels', 'duplicates']);
    expect(Object.keys(r.summary)).toEqual([
      'items', 'subsets', 'images', 'labelCounts', 'imbalanceRatio', 'errors', 'warnings', 'hash', 'threshold',
      'exactDuplicates', 'nearDuplicates', 'acrossSubsets', 'duplicatesTruncated', 'backend', 'fewSamplesThr', 'imbalanceRatioThr', 'farFromMeanThr', 'officialFiles',
    ]);
    expect(r.summary).toMatchObject({ items: 57, subsets: { train: 7, test: 50 }, images: 57, hash: 'pHash-DCT-64', fewSamplesThr: 1, imbalanceRatioThr: 50, farFromMeanThr: 5 });
    expect(Object.keys(r.duplicates[0]!)).toEqual(['a', 'b', 'distance', 'exact']);
    expect(Object.keys(r.duplicates[0]!.a)).toEqual(['subset', 'id']);
  });

  it('as HTML: each pair side by side, the images inline as PNG data URLs of their pixels', () => {
    const { ds } = plantedDataset();
    const r = ds.validate();
    const html = validationReportHtml(ds, r, { maxPairs: 5 });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const urls = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBe(10);
    const first = decodeImage(Uint8Array.from(atob(urls[0]!), (c) => c.charCodeAt(0)), 'a.png');
    expect(first.data).toEqual(ds.get(r.duplicates[0]!.a.id, r.duplicates[0]!.a.subset)!.media!.data);
    expect(html).toContain(`${r.duplicates.length - 5} more pairs not shown`);
    expect(html).toContain('near0_0 brighter+12');
  });

  it('as HTML: ids and subsets are escaped', () => {
    const px = noise(3072, 2);
    const ds = Dataset.fromIterable([
      new DatasetItem({ id: '<script>x</script>', subset: 'a&b', media: Image.fromHWC(px, 32, 32) }),
      new DatasetItem({ id: '"quoted"', subset: 'a&b', media: Image.fromHWC(px, 32, 32) }),
    ]);
    const html = validationReportHtml(ds, ds.validate());
    expect(html).not.toContain('<script>');
    expect(html).toContain('a&#38;b / &#60;script&#62;x&#60;/script&#62;');
    expect(html).toContain('alt="a&#38;b/&#34;quoted&#34;"');
  });
});

describe.each(BACKENDS)('remove_duplicates (%s backend)', (backend) => {
  it('keeps the first of each group in dataset order, or the one in --keep', () =>
    withBackend(backend, () => {
      const { ds, lookalikes } = plantedDataset();
      const kept = ds.transform('remove_duplicates', {});
      expect([...kept].map((i) => `${i.subset}/${i.id}`)).toEqual([...[0, 1, 2, 3, 4, 5].map((i) => `train/orig${i}`), ...lookalikes]);
      const keepTest = ds.transform('remove_duplicates', parseTransformArgs('remove_duplicates', ['--keep', 'test']));
      expect([...keepTest].map((i) => `${i.subset}/${i.id}`)).toEqual([
        'test/copy0',
        'test/copy3',
        'test/near1_0 brighter+12',
        'test/near2_0 brighter+12',
        'test/near4_0 brighter+12',
        'test/near5_0 brighter+12',
        ...lookalikes,
      ]);
      expect(keepTest.subsets()).toEqual(['test']);
    }));

  it('handles a group with millions of pairs: validate cuts the list at maxPairs, remove_duplicates keeps one', () =>
    withBackend(backend, () => {
      const px = noise(3072, 11);
      const items = Array.from({ length: 2500 }, (_, i) => new DatasetItem({ id: `same${i}`, subset: i % 2 ? 'test' : 'train', media: Image.fromHWC(px, 32, 32) }));
      const ds = Dataset.fromIterable([new DatasetItem({ id: 'other', media: img() }), ...items]);
      const r = ds.validate();
      expect([r.duplicates.length, r.summary.duplicatesTruncated]).toEqual([100_000, true]);
      expect(r.duplicates[0]).toEqual({ a: { subset: 'train', id: 'same0' }, b: { subset: 'test', id: 'same1' }, distance: 0, exact: true });
      // 2500 * 2499 / 2 = 3,123,750 pairs, joined as found
      expect([...ds.transform('remove_duplicates', { keep: 'test' })].map((i) => i.id)).toEqual(['other', 'same1']);
    }));

  it('takes --threshold, and refuses bad options', async () => {
    await withBackend(backend, async () => {
      const { ds } = plantedDataset();
      expect(parseTransformArgs('remove_duplicates', ['--keep', 'test', '--threshold', '0'])).toEqual({ keep: 'test', threshold: 0 });
      // Distance 0 is an equivalence: each group is a clique, and every item after its first is dropped.
      const zero = ds.validate({ threshold: 0 }).duplicates;
      const dropped = new Set(zero.map((d) => `${d.b.subset}/${d.b.id}`));
      expect(dropped.size).toBeGreaterThan(3);
      expect([...ds.transform('remove_duplicates', { threshold: 0 })].map((i) => `${i.subset}/${i.id}`)).toEqual(
        [...ds].map((i) => `${i.subset}/${i.id}`).filter((k) => !dropped.has(k)),
      );
      await expectCifarkitError(() => parseTransformArgs('remove_duplicates', ['--threshold', '65']), 'INVALID_ARGUMENT', ['--threshold', '0-64']);
      await expectCifarkitError(() => ds.transform('remove_duplicates', { keep: 3 } as never), 'INVALID_ARGUMENT', ["'keep'"]);
      await expectCifarkitError(() => ds.transform('remove_duplicates', { threshold: -1 }), 'INVALID_ARGUMENT', ["remove_duplicates: option 'threshold'"]);
    });
  });
});
