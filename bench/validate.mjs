#!/usr/bin/env node
// `node bench/validate.mjs` (after `npm run build`), or `benchValidate()` from bench/run.mjs:
//   1. speed: `ds.validate()` on a CIFAR-10-sized dataset (50,000 train + 10,000 test random
//      32x32 images, with 100 near-duplicates and 50 exact copies of train images planted in
//      test), on the wasm and the TS backend: hashing 60,000 images and the Hamming search over
//      all 1.8e9 pairs (within and across subsets: the 5e8 train <-> test pairs of the issue
//      are a part of them);
//   2. the threshold: Hamming distances of the 64-bit pHash between planted near-duplicates,
//      distinct look-alikes and distinct scenes of test/validate/fixture.ts (bundled with esbuild
//      from the TS sources), and the share of each found at thresholds 4-16.
// Numbers never make it fail; only errors do. Options: --quick (10,000 + 2,000 images), --no-js.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** Deterministic pseudo-random bytes (xorshift32 over 32-bit words). */
function randomBytes(n, seed) {
  const words = new Uint32Array(Math.ceil(n / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return new Uint8Array(words.buffer, 0, n);
}

async function speed(api, nTrain, nTest, backends) {
  const { Dataset, DatasetItem, Image, Label, setBackend } = api;
  const train = randomBytes(nTrain * 3072, 1);
  const test = randomBytes(nTest * 3072, 2);
  // Plant: test image k < 100 is train image 7k + 3 brightened by 6 (clamped) with 3 pixels
  // changed; test image 100 + k < 150 is an exact copy of train image 11k + 5.
  for (let k = 0; k < 100; k++) {
    const src = train.subarray((7 * k + 3) * 3072, (7 * k + 4) * 3072);
    const dst = test.subarray(k * 3072, (k + 1) * 3072);
    for (let i = 0; i < 3072; i++) dst[i] = Math.min(255, src[i] + 6);
    for (let p = 0; p < 3; p++) dst[(97 * p + k) % 3072] ^= 0x55;
  }
  for (let k = 0; k < 50; k++) test.set(train.subarray((11 * k + 5) * 3072, (11 * k + 6) * 3072), (100 + k) * 3072);
  const items = [];
  for (const [subset, data, n] of [['train', train, nTrain], ['test', test, nTest]]) {
    for (let i = 0; i < n; i++) {
      items.push(new DatasetItem({ id: String(i), subset, media: Image.fromHWC(data.subarray(i * 3072, (i + 1) * 3072), 32, 32), annotations: [new Label(i % 10)] }));
    }
  }
  const ds = Dataset.fromIterable(items, { labels: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] });
  const n = nTrain + nTest;
  const allPairs = (n * (n - 1)) / 2;
  const out = {};
  for (const backend of backends) {
    setBackend(backend);
    const t0 = performance.now();
    const r = ds.validate();
    const ms = performance.now() - t0;
    const cross = r.duplicates.filter((d) => d.a.subset === 'train' && d.b.subset === 'test');
    const plantedNear = cross.filter((d) => Number(d.b.id) < 100 && Number(d.a.id) === 7 * Number(d.b.id) + 3).length;
    const plantedExact = cross.filter((d) => d.exact && Number(d.b.id) >= 100 && Number(d.a.id) === 11 * (Number(d.b.id) - 100) + 5).length;
    out[backend] = {
      images: n,
      pairs: allPairs,
      ms: Math.round(ms),
      trainTestPairs: nTrain * nTest,
      reported: r.duplicates.length,
      plantedNearFound: plantedNear,
      plantedExactFound: plantedExact,
    };
  }
  setBackend('auto');
  return out;
}

async function thresholds() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(os.tmpdir(), 'cifarkit-bench-validate-'));
  const entry = join(dir, 'entry.ts');
  const outfile = join(dir, 'entry.mjs');
  try {
    await build({
      stdin: {
        contents: `export { planted } from ${JSON.stringify(join(ROOT, 'test/validate/fixture.ts'))};\nexport { jsHashKernels } from ${JSON.stringify(join(ROOT, 'src/kernels/hash.ts'))};`,
        resolveDir: ROOT,
        sourcefile: entry,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile,
      logLevel: 'error',
    });
    const { planted, jsHashKernels } = await import(pathToFileURL(outfile).href);
    const p = planted(300, 1);
    const hash = (px) => {
      const o = new Uint32Array(2);
      jsHashKernels.phash(px, 1, 32, 32, 3, o);
      return o;
    };
    const pop = (x) => {
      let c = 0;
      for (; x; x >>>= 1) c += x & 1;
      return c;
    };
    const dist = (a, b) => pop(a[0] ^ b[0]) + pop(a[1] ^ b[1]);
    const H = p.originals.map(hash);
    const byKind = new Map();
    const near = [];
    const look = [];
    for (const [list, all] of [[p.near, near], [p.lookalikes, look]]) {
      for (const x of list) {
        const d = dist(hash(x.pixels), H[x.of]);
        all.push(d);
        if (!byKind.has(x.kind)) byKind.set(x.kind, []);
        byKind.get(x.kind).push(d);
      }
    }
    const distinct = [];
    for (let i = 0; i < H.length; i++) for (let j = i + 1; j < H.length; j++) distinct.push(dist(H[i], H[j]));
    const summary = (ds) => {
      const s = [...ds].sort((a, b) => a - b);
      const q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
      return { n: s.length, min: s[0], p5: q(0.05), median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
    };
    const kinds = Object.fromEntries([...byKind].map(([k, v]) => [k, summary(v)]));
    kinds['distinct scenes (all pairs)'] = summary(distinct);
    // The alternative considered: a difference hash (dHash, 9x8 luma grid, one bit per
    // horizontal neighbour pair), measured on the same pairs; only the medians are kept.
    const dhash = (px) => {
      const g = [];
      for (let ty = 0; ty < 8; ty++) {
        for (let tx = 0; tx < 9; tx++) {
          const y0 = Math.floor((ty * 32) / 8), y1 = Math.floor(((ty + 1) * 32) / 8);
          const x0 = Math.floor((tx * 32) / 9), x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * 32) / 9));
          let sum = 0;
          for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += 299 * px[(y * 32 + x) * 3] + 587 * px[(y * 32 + x) * 3 + 1] + 114 * px[(y * 32 + x) * 3 + 2];
          g.push(sum / ((y1 - y0) * (x1 - x0)));
        }
      }
      const bits = [];
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits.push(g[y * 9 + x + 1] > g[y * 9 + x] ? 1 : 0);
      return bits;
    };
    const D = p.originals.map(dhash);
    const dDist = (a, b) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
    const dByKind = new Map();
    for (const x of [...p.near, ...p.lookalikes]) {
      if (!dByKind.has(x.kind)) dByKind.set(x.kind, []);
      dByKind.get(x.kind).push(dDist(dhash(x.pixels), D[x.of]));
    }
    const dhashMedians = Object.fromEntries([...dByKind].map(([k, v]) => [k, summary(v).median]));
    const share = (ds, t) => (100 * ds.filter((d) => d <= t).length) / ds.length;
    const table = [];
    for (let t = 4; t <= 16; t += 2) table.push({ threshold: t, nearFoundPct: share(near, t), lookalikesReportedPct: share(look, t), distinctReportedPct: share(distinct, t) });
    return { scenes: p.originals.length, kinds, table, dhashMedians };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs both parts; returns the figures (and prints them unless `quiet`). */
export async function benchValidate({ quick = false, js = true, quiet = false } = {}) {
  const api = await import(pathToFileURL(join(ROOT, 'dist/index.js')).href);
  const [nTrain, nTest] = quick ? [10000, 2000] : [50000, 10000];
  const log = quiet ? () => {} : (s) => console.log(s);
  const th = await thresholds();
  log(`pHash Hamming distances on the planted fixture (${th.scenes} scenes):`);
  for (const [k, v] of Object.entries(th.kinds)) log(`  ${k.padEnd(28)} n ${String(v.n).padStart(5)}  min ${v.min}  p5 ${v.p5}  median ${v.median}  p95 ${v.p95}  max ${v.max}`);
  log(`  dHash medians, for comparison: ${Object.entries(th.dhashMedians).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  log('  threshold  near-duplicates found  look-alikes reported  distinct pairs reported');
  for (const t of th.table) log(`  ${String(t.threshold).padStart(9)}  ${t.nearFoundPct.toFixed(1).padStart(20)}%  ${t.lookalikesReportedPct.toFixed(2).padStart(19)}%  ${t.distinctReportedPct.toFixed(3).padStart(22)}%`);
  const sp = await speed(api, nTrain, nTest, js ? ['wasm', 'js'] : ['wasm']);
  for (const [b, v] of Object.entries(sp)) {
    log(`validate, ${v.images} images (${nTrain} train + ${nTest} test), ${b}: ${(v.ms / 1000).toFixed(2)} s for all ${v.pairs.toExponential(2)} pairs` +
      ` (of which ${v.trainTestPairs.toExponential(1)} train <-> test); planted found: ${v.plantedNearFound}/100 near, ${v.plantedExactFound}/50 exact; ${v.reported} pairs reported`);
  }
  return { thresholds: th, speed: sp, nTrain, nTest };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  await benchValidate({ quick: argv.includes('--quick'), js: !argv.includes('--no-js') });
}
