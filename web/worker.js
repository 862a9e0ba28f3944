// The viewer's worker: everything heavy (import, validate, export and zip) runs here, on the
// library's public API, so that the page's thread only draws. Bundled by scripts/serve-web.mjs.
//
// Messages in (from app.js):  { type: 'load', input, name } | { type: 'thumbs', req, indices }
//   | { type: 'item', req, index } | { type: 'validate' } | { type: 'export', format, name }
// Messages out: { type: 'progress', phase, done, total, unit } | { type: 'loaded', ... }
//   | { type: 'thumbs', req, indices, rgba, has } | { type: 'item', req, ... }
//   | { type: 'validated', ... } | { type: 'exported', url, name, files, bytes } | { type: 'error', context, error }
// Cancel is the page terminating this worker.
import { Dataset, getInflater } from 'cifarkit';
import { Zip, ZipPassThrough } from 'fflate';

/** Thumbnails are drawn at this size (CIFAR's own), whatever the image's. */
const T = 32;

let ds = null;
let items = [];

const post = (message, transfer = []) => self.postMessage(message, transfer);

// Progress, at most every 50 ms (and always the last step).
let lastProgress = 0;
function progress(phase, done, total, unit, force = false) {
  const now = performance.now();
  if (!force && now - lastProgress < 50 && done !== total) return;
  lastProgress = now;
  post({ type: 'progress', phase, done, total, unit });
}

/** A stream that counts the bytes going through it as "bytes read". */
function counted(stream, total) {
  let read = 0;
  return stream.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        read += chunk.byteLength;
        progress('Reading', read, total, 'bytes');
        controller.enqueue(chunk);
      },
      flush() {
        progress('Reading', read, total || read, 'bytes', true);
      },
    }),
  );
}

async function inputOf(input) {
  if (input.kind === 'file') return counted(input.file.stream(), input.file.size);
  if (input.kind === 'url') {
    const res = await fetch(input.url);
    if (!res.ok) throw new Error(`fetching ${input.url} failed: HTTP ${res.status}`);
    return counted(res.body, Number(res.headers.get('content-length')) || 0);
  }
  return input.files; // File[] (a folder input) or Map of path -> File (a dropped folder)
}

function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function load({ input }) {
  ds = null;
  items = [];
  progress('Reading', 0, input.kind === 'file' ? input.file.size : 0, 'bytes', true);
  const dataset = await Dataset.importFrom(await inputOf(input));
  const list = [...dataset];
  const n = list.length;
  const subsetNames = dataset.subsets();
  const subsetOf = new Map(subsetNames.map((s, i) => [s, i]));
  const ids = new Array(n);
  const idStart = new Int32Array(n + 1);
  const labels = new Int32Array(n);
  const subsets = new Uint16Array(n);
  const indexInSubset = new Int32Array(n);
  const widths = new Uint32Array(n);
  const heights = new Uint32Array(n);
  const perSubset = new Int32Array(subsetNames.length);
  for (let i = 0; i < n; i++) {
    const item = list[i];
    ids[i] = item.id;
    const label = item.annotations.find((a) => a.type === 'label');
    labels[i] = label ? label.label : -1;
    const s = subsetOf.get(item.subset);
    subsets[i] = s;
    indexInSubset[i] = perSubset[s]++;
    widths[i] = item.media ? item.media.width : 0;
    heights[i] = item.media ? item.media.height : 0;
    if (i % 2000 === 0) progress('Decoding', i, n, 'items');
  }
  progress('Decoding', n, n, 'items', true);
  // Sort orders, computed here so that the page never sorts 60,000 strings.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const byId = order.slice().sort((a, b) => compareStrings(ids[a], ids[b]) || subsets[a] - subsets[b] || a - b);
  const byLabel = order.slice().sort((a, b) => labels[a] - labels[b] || a - b);
  const bySubset = order.slice().sort((a, b) => subsets[a] - subsets[b] || a - b);
  ds = dataset;
  items = list;
  const orders = { order, id: byId, label: byLabel, subset: bySubset };
  // The ids as one string (each followed by '\n') and where each starts: one string is cloned
  // to the page in a moment, 60,000 strings are not.
  let at = 0;
  for (let i = 0; i < n; i++) {
    idStart[i] = at;
    at += ids[i].length + 1;
  }
  idStart[n] = at;
  const idText = ids.join('\n') + '\n';
  post(
    {
      type: 'loaded',
      format: dataset.format,
      inflater: getInflater(), // how a .tar.gz is inflated here (DecompressionStream in browsers)
      labelNames: dataset.labels.items.map((l) => ({ name: l.name, parent: l.parent ?? '' })),
      subsetNames,
      idText,
      idStart,
      labels,
      subsets,
      indexInSubset,
      widths,
      heights,
      orders,
    },
    [idStart.buffer, labels.buffer, subsets.buffer, indexInSubset.buffer, widths.buffer, heights.buffer, ...Object.values(orders).map((o) => o.buffer)],
  );
}

/** An item's image as RGBA (full size), or null. */
function rgbaOf(item) {
  return item.media && item.media.width > 0 && item.media.height > 0 ? item.media.toImageData() : null;
}

function thumbs({ req, indices }) {
  const rgba = new Uint8ClampedArray(indices.length * T * T * 4);
  const has = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const item = items[indices[k]];
    const img = item && rgbaOf(item);
    if (!img) continue;
    has[k] = 1;
    const out = k * T * T * 4;
    if (img.width === T && img.height === T) {
      rgba.set(img.data, out);
      continue;
    }
    // Nearest neighbour into 32x32 (the image's aspect is kept by the page's CSS box only for 32x32; others fill it).
    for (let y = 0; y < T; y++) {
      const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / T));
      for (let x = 0; x < T; x++) {
        const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / T));
        const from = (sy * img.width + sx) * 4;
        const to = out + (y * T + x) * 4;
        rgba[to] = img.data[from];
        rgba[to + 1] = img.data[from + 1];
        rgba[to + 2] = img.data[from + 2];
        rgba[to + 3] = img.data[from + 3];
      }
    }
  }
  post({ type: 'thumbs', req, indices, rgba, has }, [rgba.buffer, has.buffer]);
}

function itemDetail({ req, index }) {
  const item = items[index];
  const img = item && rgbaOf(item);
  const rgba = img ? new Uint8ClampedArray(img.data) : null;
  post({ type: 'item', req, index, width: img ? img.width : 0, height: img ? img.height : 0, rgba }, rgba ? [rgba.buffer] : []);
}

function validate() {
  progress('Checking labels and duplicates', 0, 0, 'items', true);
  const started = performance.now();
  const report = ds.validate();
  const key = new Map(items.map((item, i) => [`${item.subset}\u0000${item.id}`, i]));
  const pairs = new Int32Array(report.duplicates.length * 3);
  report.duplicates.forEach((p, k) => {
    pairs[k * 3] = key.get(`${p.a.subset}\u0000${p.a.id}`) ?? -1;
    pairs[k * 3 + 1] = key.get(`${p.b.subset}\u0000${p.b.id}`) ?? -1;
    pairs[k * 3 + 2] = p.exact ? -1 : p.distance;
  });
  post(
    {
      type: 'validated',
      ms: Math.round(performance.now() - started),
      summary: report.summary,
      labels: report.labels.map((f) => ({ type: f.type, severity: f.severity, description: f.description })),
      pairs,
    },
    [pairs.buffer],
  );
}

/** The top folder of a CIFAR export, as the official archives have it. */
function cifarTop() {
  return ds.labels.items.some((l) => l.parent) ? 'cifar-100-python/' : 'cifar-10-batches-py/';
}

async function exportZip({ format, name }) {
  const images = items.reduce((n, item) => n + (item.media ? 1 : 0), 0);
  // CIFAR: the meta file and one batch per subset; ImageNet: one image per item.
  const expected = format === 'cifar' ? ds.subsets().length + 1 : images;
  let produced = 0;
  progress('Encoding', 0, expected, 'files', true);
  const files = await ds.exportToFiles(format, {
    saveMedia: true,
    imageExt: '.png',
    onFile: () => progress('Encoding', ++produced, Math.max(expected, produced), 'files'),
  });
  const top = format === 'cifar' ? cifarTop() : '';
  const chunks = [];
  let bytes = 0;
  let failed = null;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else {
      chunks.push(chunk);
      bytes += chunk.length;
    }
  });
  let written = 0;
  const total = files.size;
  for (const [path, data] of files) {
    // Stored, not deflated: PNGs are compressed already, and CIFAR's pixels hardly compress
    // (deflate would save ~10% of a full CIFAR-10 for ~25x the time).
    const entry = new ZipPassThrough(top + path);
    zip.add(entry);
    entry.push(data, true);
    files.delete(path); // its bytes are in the zip now
    progress('Writing the zip', ++written, total, 'files');
    if (failed) throw failed;
  }
  zip.end();
  if (failed) throw failed;
  progress('Writing the zip', total, total, 'files', true);
  // The object URL is made here, not in the page: registering it waits (a synchronous call to the
  // browser) until the browser has taken the blob's bytes, ~100 ms for a full CIFAR-10 zip, which
  // would freeze the page. The page downloads from the URL; it is revoked a minute later.
  const url = URL.createObjectURL(new Blob(chunks, { type: 'application/zip' }));
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  post({ type: 'exported', url, name, files: total, bytes, top });
}

self.onmessage = async (ev) => {
  const m = ev.data;
  try {
    if (m.type === 'load') await load(m);
    else if (m.type === 'thumbs') thumbs(m);
    else if (m.type === 'item') itemDetail(m);
    else if (m.type === 'validate') validate();
    else if (m.type === 'export') await exportZip(m);
  } catch (e) {
    console.error(e);
    post({
      type: 'error',
      of: m.type,
      format: m.format,
      error: { code: typeof e?.code === 'string' ? e.code : undefined, name: e?.name ?? 'Error', message: String(e?.message ?? e) },
    });
  }
};

post({ type: 'ready' });
