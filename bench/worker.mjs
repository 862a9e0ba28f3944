// One benchmark measurement in a fresh Node process (spawned by bench/run.mjs).
//   node bench/worker.mjs <task> <json-args>
// Prints one JSON line on stdout: { ms?, maxRssBytes, ...extra }. Process start-up and module
// loading are not timed; the timed region is the operation itself (as on the Python side).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [task, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? '{}');

const api = () => import(pathToFileURL(args.dist).href);

function rss() {
  return process.resourceUsage().maxRSS * 1024; // kilobytes on Linux
}

async function importAll(ck, dir) {
  const ds = await ck.Dataset.importFrom(dir);
  let n = 0;
  for (const item of ds) if (item.media?.data.length === 3072) n++;
  return { ds, n };
}

/** Reads every item's id, first label and image width: what "every item touched" means in the bench. */
function touchItems(ds, pixels) {
  let n = 0;
  for (const item of ds) {
    n += item.id.length + (item.annotations[0]?.label ?? 0) + (item.media?.width ?? 0);
    if (pixels && item.media) n += item.media.data[0];
  }
  return n;
}

const BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];

const tasks = {
  idle: async () => ({}),

  // The floor: the six batch files read into fresh memory, one after the other (readFileSync).
  floor: async () => {
    const t0 = performance.now();
    let bytes = 0;
    for (const f of BATCHES) bytes += readFileSync(join(args.dir, f)).length;
    return { ms: performance.now() - t0, bytes };
  },

  // Dataset.importFrom(folder or archive) + every item touched (with `pixels`: one pixel of each image too).
  importTouch: async () => {
    const ck = await api();
    const t0 = performance.now();
    const ds = await ck.Dataset.importFrom(args.path);
    touchItems(ds, args.pixels === true);
    const ms = performance.now() - t0;
    if (ds.size !== args.expect) throw new Error(`imported ${ds.size} items, expected ${args.expect}`);
    return { ms, items: ds.size, inflater: ck.getInflater() };
  },

  // node:zlib alone: the archive streamed through createGunzip to nowhere.
  gunzip: async () => {
    const { createReadStream } = await import('node:fs');
    const { createGunzip } = await import('node:zlib');
    const t0 = performance.now();
    let bytes = 0;
    await new Promise((resolve, reject) => {
      createReadStream(args.file, { highWaterMark: 1 << 20 })
        .pipe(createGunzip(args.chunkSize ? { chunkSize: args.chunkSize } : {}))
        .on('data', (c) => (bytes += c.length))
        .on('end', resolve)
        .on('error', reject);
    });
    return { ms: performance.now() - t0, bytes };
  },

  // Export of an imported dataset to CIFAR pickles (`pixels`: after every pixel was read, so the blocks are HWC).
  exportCifar: async () => {
    const ck = await api();
    const ds = await ck.Dataset.importFrom(args.dir);
    touchItems(ds, args.pixels === true);
    const out = mkdtempSync(join(tmpdir(), 'cifarkit-bench-out-'));
    try {
      const t0 = performance.now();
      await ds.export(join(out, 'cifar'), 'cifar');
      const ms = performance.now() - t0;
      if (readdirSync(join(out, 'cifar')).length !== 7) throw new Error('export did not write 7 files');
      return { ms };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },

  readFiles: async () => {
    const bufs = [];
    for (const f of readdirSync(args.dir).sort()) bufs.push(readFileSync(join(args.dir, f)));
    const t0 = performance.now();
    const bytes = bufs.reduce((s, b) => s + b.length, 0);
    return { ms: performance.now() - t0, bytes, files: bufs.length };
  },

  import: async () => {
    const ck = await api();
    ck.setBackend(args.backend);
    const t0 = performance.now();
    const { ds, n } = await importAll(ck, args.dir);
    const ms = performance.now() - t0;
    if (n !== args.expect) throw new Error(`imported ${n} 32x32 images, expected ${args.expect}`);
    return { ms, items: ds.size, backend: ck.getBackend() };
  },

  exportFiles: async () => {
    const ck = await api();
    ck.setBackend(args.backend);
    const { ds } = await importAll(ck, args.dir);
    const out = mkdtempSync(join(tmpdir(), 'cifarkit-bench-out-'));
    try {
      const t0 = performance.now();
      await ds.export(join(out, 'cifar'), 'cifar', { saveMedia: true });
      const ms = performance.now() - t0;
      const files = readdirSync(join(out, 'cifar'));
      if (files.length !== 7) throw new Error(`export wrote ${files.length} files, expected 7`);
      return { ms };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },

  exportMemory: async () => {
    const ck = await api();
    ck.setBackend(args.backend);
    const { ds } = await importAll(ck, args.dir);
    const t0 = performance.now();
    const files = await ds.exportToFiles('cifar', { saveMedia: true });
    const ms = performance.now() - t0;
    if (files.size !== 7) throw new Error(`exportToFiles gave ${files.size} files, expected 7`);
    const bytes = [...files.values()].reduce((s, b) => s + b.length, 0);
    return { ms, bytes };
  },

  // The kernels themselves: src/kernels/pixels.ts bundled by esbuild (kernels() is not public).
  kernels: async () => {
    const k = await import(pathToFileURL(args.kernelsModule).href);
    const images = args.images;
    const pixels = 1024;
    const bytes = images * 3 * pixels;
    const src = new Uint8Array(bytes);
    let x = 0x9e3779b9;
    for (let i = 0; i < bytes; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      src[i] = x & 0xff;
    }
    const hwc = new Uint8Array(bytes);
    const chw = new Uint8Array(bytes);
    k.setBackend(args.backend);
    const kern = k.kernels();
    if (kern.name !== args.backend) throw new Error(`backend is ${kern.name}, asked for ${args.backend}`);
    // warm-up on 100 images (JIT, wasm instantiation, first memory growth); outputs pre-faulted
    kern.chwToHwc(src.subarray(0, 307200), hwc.subarray(0, 307200), pixels, 100);
    kern.hwcToChw(hwc.subarray(0, 307200), chw.subarray(0, 307200), pixels, 100);
    hwc.fill(1);
    chw.fill(1);
    const time = (f) => {
      const ms = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        f();
        ms.push(performance.now() - t0);
      }
      return ms.sort((a, b) => a - b)[1]; // median of 3 calls
    };
    const chwToHwcMs = time(() => kern.chwToHwc(src, hwc, pixels, images));
    const hwcToChwMs = time(() => kern.hwcToChw(hwc, chw, pixels, images));
    // sanity: the round trip gives the input back, and one pixel is where it should be
    for (let i = 0; i < bytes; i += 4099) if (chw[i] !== src[i]) throw new Error(`round trip differs at byte ${i}`);
    if (hwc[3 * 5 + 1] !== src[1024 + 5]) throw new Error('chwToHwc put G of pixel 5 in the wrong place');
    return { bytes, chwToHwcMs, hwcToChwMs, backend: kern.name, build: kern.simd === true ? 'SIMD' : kern.simd === false ? 'scalar' : 'n/a' };
  },

  // The same conversion through the public API: Image.fromCHW / toCHW, one image per call.
  imageApi: async () => {
    const ck = await api();
    ck.setBackend(args.backend);
    const images = args.images;
    const bytes = images * 3072;
    const src = new Uint8Array(bytes);
    for (let i = 0; i < bytes; i++) src[i] = (i * 2654435761) >>> 24;
    for (let i = 0; i < 100; i++) ck.Image.fromCHW(src.subarray(i * 3072, (i + 1) * 3072), 32, 32).toCHW();
    let t0 = performance.now();
    const imgs = new Array(images);
    for (let i = 0; i < images; i++) imgs[i] = ck.Image.fromCHW(src.subarray(i * 3072, (i + 1) * 3072), 32, 32);
    const fromChwMs = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < images; i++) imgs[i].toCHW();
    const toChwMs = performance.now() - t0;
    return { bytes, chwToHwcMs: fromChwMs, hwcToChwMs: toChwMs, backend: ck.getBackend() };
  },

  // args.workers: image encoding threads (1 = the main thread only); args.outRoot: where to write.
  png: async () => {
    const ck = await api();
    ck.setBackend(args.backend);
    const ds = await ck.Dataset.importFrom(args.file);
    const out = mkdtempSync(join(args.outRoot ?? tmpdir(), 'cifarkit-bench-png-'));
    try {
      const t0 = performance.now();
      await ds.export(join(out, 'imagenet'), 'imagenet', { saveMedia: true, workers: args.workers });
      const ms = performance.now() - t0;
      let files = 0;
      for (const d of readdirSync(join(out, 'imagenet'))) files += readdirSync(join(out, 'imagenet', d)).length;
      if (files !== ds.size) throw new Error(`imagenet export wrote ${files} files for ${ds.size} items`);
      return { ms, files };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },

  // The floor of row d: creating as many small files (2 KB, 10 folders) with nothing to encode.
  createFiles: async () => {
    const out = mkdtempSync(join(args.outRoot ?? tmpdir(), 'cifarkit-bench-files-'));
    try {
      const data = new Uint8Array(2048).fill(1);
      const t0 = performance.now();
      for (let d = 0; d < 10; d++) mkdirSync(join(out, String(d)));
      const handles = [];
      for (let i = 0; i < args.files; i++) {
        handles.push(writeFile(join(out, String(i % 10), `${i}.png`), data, { flag: 'wx' }));
        if (handles.length === 16) await Promise.all(handles.splice(0));
      }
      await Promise.all(handles);
      return { ms: performance.now() - t0, files: args.files };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};

const fn = tasks[task];
if (!fn) throw new Error(`unknown task ${task}`);
const result = await fn();
result.maxRssBytes = rss();
process.stdout.write(JSON.stringify(result) + '\n');
