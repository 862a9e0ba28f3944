// The fixture checks shared by the Deno and Chromium suites, in plain JavaScript so every
// runtime loads it as it is. They run against the built package (dist/), with in-memory files.
//
// A case: { name, expected, files: Record<path, Uint8Array> } where `expected` is a
// test/fixtures/generated/<case>.expected.json, or { name, error: {code, mentions}, files }.

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function sha256(data) {
  return hex(await crypto.subtle.digest('SHA-256', data));
}

/** Describes the dataset the way expected.json does. */
export async function describeDataset(ds) {
  const items = [];
  for (const item of ds) {
    const m = item.media;
    items.push({
      subset: item.subset,
      id: item.id,
      label: item.annotations.length ? item.annotations[0].label : null,
      h: m ? m.height : null,
      w: m ? m.width : null,
      sha256: m ? await sha256(m.data) : null,
    });
  }
  return { labels: ds.labels.items.map((l) => ({ name: l.name, parent: l.parent })), subsets: ds.subsets(), items };
}

export function firstDifference(actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a === e) return null;
  let i = 0;
  while (a[i] === e[i]) i++;
  return `differs at char ${i}: got …${a.slice(Math.max(0, i - 60), i + 60)}… expected …${e.slice(Math.max(0, i - 60), i + 60)}…`;
}

/**
 * Runs every case with every backend. Returns [{ name, backend, ok, detail }].
 * `api` is the cifarkit module under test.
 */
export async function runCases(api, cases, backends = ['wasm', 'js']) {
  const results = [];
  for (const backend of backends) {
    api.setBackend(backend);
    for (const c of cases) {
      let detail = null;
      try {
        if (api.getBackend() !== backend) throw new Error(`backend is ${api.getBackend()}, not ${backend}`);
        const ds = await api.Dataset.importFrom(c.files);
        if (c.error) {
          detail = `expected error ${c.error.code}, got a dataset of ${ds.size} items`;
        } else {
          const actual = await describeDataset(ds);
          const { labels, subsets, items } = c.expected;
          detail = firstDifference(actual, { labels, subsets, items });
          if (detail === null) {
            // Written back as CIFAR in memory and read again: the same dataset.
            const again = await api.Dataset.importFrom(await ds.exportToFiles('cifar'));
            const diff = firstDifference(await describeDataset(again), { labels, subsets, items });
            if (diff) detail = `after export -> import: ${diff}`;
          }
          if (detail === null) {
            // Written as Hugging Face parquet (hyparquet-writer, PNG through the codecs) and read
            // again: the same dataset, but that an item without an image is named by its row.
            const subsetsOk = subsets.every((s) => /^[\p{L}\p{M}\p{N}_]+(\.[\p{L}\p{M}\p{N}_]+)*$/u.test(s));
            const emptyImage = items.some((i) => i.h === 0 || i.w === 0);
            if (subsetsOk && !emptyImage) {
              const again = await api.Dataset.importFrom(await ds.exportToFiles('hf_parquet'), 'hf_parquet');
              const rows = new Map();
              const want = items.map((i) => {
                const row = rows.get(i.subset) ?? 0;
                rows.set(i.subset, row + 1);
                return i.sha256 === null ? { ...i, id: `${i.subset}_${row}` } : i;
              });
              const diff = firstDifference(await describeDataset(again), { labels, subsets, items: want });
              if (diff) detail = `after export -> import as hf_parquet: ${diff}`;
            }
          }
          if (detail === null) {
            // The XPath filter (xpath + xmldom) works here: labelled items are exactly those with an annotation.
            const labelled = items.filter((i) => i.label !== null).length;
            const kept = ds.filter('/item[annotation]').size;
            if (kept !== labelled) detail = `filter '/item[annotation]' kept ${kept} items, expected ${labelled}`;
          }
          if (detail === null) {
            // validate (the hash kernels in this runtime): its exact pairs are the pairs of items
            // with the same size and pixels by sha256, in order.
            const key = (i) => (i.sha256 === null || i.h === 0 || i.w === 0 ? null : `${i.h}x${i.w}:${i.sha256}`);
            const want = [];
            items.forEach((a, x) => items.forEach((b, y) => {
              if (x < y && key(a) !== null && key(a) === key(b)) want.push(`${a.subset}/${a.id} = ${b.subset}/${b.id}`);
            }));
            const r = ds.validate({ threshold: 0 });
            const got = r.duplicates.filter((d) => d.exact).map((d) => `${d.a.subset}/${d.a.id} = ${d.b.subset}/${d.b.id}`);
            const diff = firstDifference(got, want);
            if (diff) detail = `validate's exact pairs: ${diff}`;
            else if (r.summary.backend !== backend || r.summary.items !== items.length) detail = `validate's summary: ${JSON.stringify(r.summary)}`;
          }
          if (detail === null) {
            // Converted to ImageNet-txt (images through the PNG codec) and back: the same dataset,
            // but for CIFAR-100's superclasses, which ImageNet-txt has no place for, and the
            // subset order (ImageNet-txt's lists come by name; CIFAR puts train before test).
            const txt = await api.Dataset.importFrom(await ds.exportToFiles('imagenet_txt', { imageExt: '.png' }), 'imagenet_txt');
            const flat = labels.map((l) => ({ name: l.name, parent: '' }));
            const byName = [...subsets].sort();
            const txtItems = byName.flatMap((s) => items.filter((i) => i.subset === s));
            const diff = firstDifference(await describeDataset(txt), { labels: flat, subsets: byName, items: txtItems });
            if (diff) detail = `after conversion to imagenet_txt: ${diff}`;
          }
        }
      } catch (err) {
        if (!c.error) detail = `threw ${err && err.stack ? err.stack : err}`;
        else if (!(err instanceof api.CifarkitError)) detail = `threw a non-cifarkit error: ${err}`;
        else if (err.code !== c.error.code) detail = `expected code ${c.error.code}, got ${err.code}: ${err.message}`;
        else {
          const missing = c.error.mentions.filter((m) => !err.message.includes(m));
          if (missing.length) detail = `message "${err.message}" does not mention ${JSON.stringify(missing)}`;
        }
      }
      results.push({ name: c.name, backend, ok: detail === null, detail });
    }
  }
  api.setBackend('auto');
  return results;
}

/** Prints the results and the closing line 'N passed, N failed'; returns the failure count. */
export function report(results, log = console.log) {
  for (const r of results) log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} [${r.backend}]${r.ok ? '' : `: ${r.detail}`}`);
  const failed = results.filter((r) => !r.ok).length;
  log(`${results.length - failed} passed, ${failed} failed`);
  return failed;
}

/**
 * Image encoding on 3 threads (worker_threads in Node/Deno, Web Workers in browsers) gives the
 * files of 1 thread, byte for byte: 300 images, PNG and JPEG, RGB and grayscale. Returns null, or
 * what differs.
 */
export async function encodeWorkersCheck(api, backend) {
  try {
    api.setBackend(backend);
    const items = [];
    let x = 12345;
    for (let i = 0; i < 300; i++) {
      const [h, w, c] = i % 7 === 0 ? [5, 9, 1] : [32, 32, 3];
      const px = new Uint8Array(h * w * c);
      for (let k = 0; k < px.length; k++) {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        px[k] = (k % 64) + (x & 31);
      }
      const media = api.Image.fromHWC(px, h, w, c, { ext: i % 5 === 0 ? '.jpg' : '.png' });
      items.push(new api.DatasetItem({ id: `img${i}`, subset: 'train', media, annotations: [new api.Label(i % 3)] }));
    }
    const ds = api.Dataset.fromIterable(items, { labels: ['cat', 'dog', 'frog'] });
    const one = await ds.exportToFiles('imagenet', { workers: 1 });
    const three = await ds.exportToFiles('imagenet', { workers: 3 });
    if (one.size !== 300) return `${one.size} files with 1 worker`;
    if (JSON.stringify([...three.keys()]) !== JSON.stringify([...one.keys()])) return 'the file lists differ';
    for (const [p, b] of one) if (three.get(p).length !== b.length || !three.get(p).every((v, k) => v === b[k])) return `${p} differs`;
    let err = null;
    try {
      await ds.exportToFiles('imagenet', { workers: 0 });
    } catch (e) {
      err = `${e.code}: ${e.message}`;
    }
    if (!/^INVALID_ARGUMENT: workers must be an integer from 1 to 256, got 0$/.test(err ?? '')) return `workers: 0 gave ${err}`;
    return null;
  } catch (e) {
    return String(e);
  } finally {
    api.setBackend('auto');
  }
}
