#!/usr/bin/env node
// `npm run bench` (= npm run build && node bench/run.mjs): cifarkit vs the Python reference on a
// full-size CIFAR-10, side by side. Options: --rounds N (default 5), --quick (2 rounds),
// --data DIR (default os.tmpdir()/cifarkit-bench), --out FILE (default BENCHMARKS.md; with
// --only floor, test-results/BENCHMARKS-floor.md, so a partial run never replaces the full file).
// Every measurement runs in a fresh child process (bench/worker.mjs, bench/reference.py); the
// median of the rounds is reported. The benchmark fails only on errors, never on numbers.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const DATA_VERSION = 'cifarkit-bench-data v1';
const SUBSETS = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
const N_IMAGES = 60000;
const DATA_BYTES = N_IMAGES * 3072; // 184,320,000
const MB = 1e6;

// ---- options --------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const quick = argv.includes('--quick');
const rounds = Number(opt('--rounds', quick ? 2 : 5));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs a positive integer');
const dataRoot = opt('--data', join(os.tmpdir(), 'cifarkit-bench'));
// --only floor: just the issue-16 rows (the floor table), for a quick look.
const onlyFloor = opt('--only', '') === 'floor';
// A partial run does not replace the full BENCHMARKS.md unless --out says so.
const outFile = opt('--out', join(ROOT, onlyFloor ? 'test-results/BENCHMARKS-floor.md' : 'BENCHMARKS.md'));
const DIST = join(ROOT, 'dist', 'index.js');

// Python: numpy is slowed by these on some processors; unset in the Python children only.
const pyEnv = { ...process.env };
delete pyEnv.OPENBLAS_CORETYPE;
delete pyEnv.OPENBLAS_L2_SIZE;
const openblasNote = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']
  .filter((k) => process.env[k] !== undefined)
  .map((k) => `${k}=${process.env[k]}`);

const log = (s) => process.stderr.write(s + '\n');

// ---- data -----------------------------------------------------------------------------------
const py2Dir = join(dataRoot, 'cifar-10-batches-py');
// The same folder as the official archive lays it out (cifar-10-batches-py/<files>), made by GNU tar + gzip (level 6).
const tgzFile = join(dataRoot, 'cifar-10-python.tar.gz');
const dmDir = join(dataRoot, 'datumaro-cifar10');
function ensureData() {
  const stamp = join(dataRoot, 'COMPLETE');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === DATA_VERSION) {
    log(`data: cached in ${dataRoot}`);
    return;
  }
  mkdirSync(dataRoot, { recursive: true });
  log(`data: generating a full-size CIFAR-10 in ${dataRoot} (bench/make-cifar10.py) ...`);
  execFileSync('python3', [join(HERE, 'make-cifar10.py'), dataRoot], { env: pyEnv, stdio: ['ignore', 'ignore', 'inherit'] });
}
function ensureArchive() {
  if (existsSync(tgzFile) && statSync(tgzFile).mtimeMs >= statSync(join(dataRoot, 'COMPLETE')).mtimeMs) return;
  log(`data: writing ${tgzFile} (tar czf) ...`);
  execFileSync('tar', ['-C', dataRoot, '-czf', tgzFile, 'cifar-10-batches-py']);
}

/** Debian's torchvision (python3-torchvision, under /usr/bin/python3), or null with the reason. */
const TORCHVISION_PY = '/usr/bin/python3';
function torchvisionVersion() {
  const r = spawnSync(TORCHVISION_PY, ['-c', 'import torchvision, numpy; print(torchvision.__version__, numpy.__version__)'], { env: pyEnv, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// ---- children -------------------------------------------------------------------------------
function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 24, cwd: ROOT });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 2).join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}
const node = (task, args) => run(process.execPath, [join(HERE, 'worker.mjs'), task, JSON.stringify({ dist: DIST, ...args })], process.env);
const python = (task, args) => run('python3', [join(HERE, 'reference.py'), task, JSON.stringify(args)], pyEnv);
const torchvision = (task, args) => run(TORCHVISION_PY, [join(HERE, 'torchvision_ref.py'), task, JSON.stringify(args)], pyEnv);
const chromiumRound = (args) => run(process.execPath, [join(HERE, 'chromium-tgz.mjs'), JSON.stringify(args)], process.env);

/**
 * Medians of `n` rounds of every definition, the rounds alternating: round k of each before
 * round k+1 of any, so every row sees the same drift of the machine. Each call is a fresh process.
 */
function measureGroup(defs, n) {
  const runs = defs.map(() => []);
  for (let i = 0; i < n; i++) {
    defs.forEach((d, k) => {
      log(`  ${d.label}: round ${i + 1}/${n}`);
      runs[k].push(d.run());
    });
  }
  return Object.fromEntries(defs.map((d, k) => [d.key, medians(runs[k], n)]));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Runs fn `n` times (fresh process each), returns the per-field medians. */
function measure(label, n, fn) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    log(`  ${label}: round ${i + 1}/${n}`);
    runs.push(fn());
  }
  return medians(runs, n);
}

/**
 * Like `measure` for two variants, their rounds alternating (a, b, a, b, ...): each pair sees the
 * same machine and disk state (deleting 10,000 files leaves the filesystem work for a while).
 */
function measurePair(labels, n, fns) {
  const runs = [[], []];
  for (let i = 0; i < n; i++) {
    for (const k of [0, 1]) {
      log(`  ${labels[k]}: round ${i + 1}/${n}`);
      runs[k].push(fns[k]());
    }
  }
  return runs.map((r) => medians(r, n));
}

function medians(runs, n) {
  const out = {};
  for (const k of Object.keys(runs[0])) out[k] = typeof runs[0][k] === 'number' ? median(runs.map((r) => r[k])) : runs[0][k];
  out.rounds = n;
  if (typeof runs[0].ms === 'number') out.allMs = runs.map((o) => Math.round(o.ms));
  return out;
}

// ---- environment ----------------------------------------------------------------------------
function pythonVersions() {
  const r = spawnSync('python3', ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)'], { env: pyEnv, encoding: 'utf8' });
  const [py, np] = r.stdout.trim().split(' ');
  return { py, np };
}

// ---- main -----------------------------------------------------------------------------------
if (!existsSync(DIST)) throw new Error('dist/index.js is missing: run `npm run bench` (it builds first)');
ensureData();
const started = Date.now();
const loadBefore = os.loadavg()[0];
const { py: pyVersion, np: npVersion } = pythonVersions();
const cpus = os.cpus();

// kernels() is internal: bundle src/kernels/pixels.ts (with the generated wasm module) for the
// kernel row, so it measures exactly the code in src/ that dist/ was built from.
const kernelsModule = join(dataRoot, 'kernels.bundle.mjs');
execFileSync(join(ROOT, 'node_modules', '.bin', 'esbuild'),
  [join(ROOT, 'src', 'kernels', 'pixels.ts'), '--bundle', '--format=esm', '--platform=neutral', '--log-level=warning', `--outfile=${kernelsModule}`],
  { stdio: 'inherit' });

const r = {};
log(`rounds: ${rounds}${quick ? ' (--quick)' : ''}`);

// ---- issue 16: the floor, torchvision, native gunzip, Chromium (one alternating group) -------
ensureArchive();
const tvVersion = torchvisionVersion();
if (!tvVersion) log(`torchvision rows skipped: ${TORCHVISION_PY} -c 'import torchvision' failed (install it: apt-get install python3-torchvision)`);
const hasChromium = existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
if (!hasChromium) log('Chromium row skipped: no /usr/bin/chromium (install it: apt-get install -y chromium)');
const pathArgs = (path, extra = {}) => ({ path, expect: N_IMAGES, ...extra });
const floorDefs = [
  { key: 'idle', label: 'idle node', run: () => node('idle', {}) },
  { key: 'floor', label: 'floor: read 6 files', run: () => node('floor', { dir: py2Dir }) },
  { key: 'folder', label: 'cifarkit folder import + touch', run: () => node('importTouch', pathArgs(py2Dir)) },
  { key: 'folderPixels', label: 'cifarkit folder import + touch + pixels', run: () => node('importTouch', pathArgs(py2Dir, { pixels: true })) },
  { key: 'gunzip', label: 'node:zlib gunzip (default chunks)', run: () => node('gunzip', { file: tgzFile }) },
  { key: 'gunzipLarge', label: 'node:zlib gunzip (256 KiB chunks)', run: () => node('gunzip', { file: tgzFile, chunkSize: 256 * 1024 }) },
  { key: 'tgz', label: 'cifarkit .tar.gz import + touch', run: () => node('importTouch', pathArgs(tgzFile)) },
  { key: 'exportPlanar', label: 'cifarkit export (planar blocks)', run: () => node('exportCifar', { dir: py2Dir }) },
  { key: 'exportHwc', label: 'cifarkit export (after pixel access)', run: () => node('exportCifar', { dir: py2Dir, pixels: true }) },
  { key: 'exportPy', label: 'python pickle.dump', run: () => python('export', { dir: py2Dir, subsets: SUBSETS }) },
];
if (tvVersion) {
  floorDefs.push(
    { key: 'tvLoad', label: 'torchvision CIFAR10 train + test', run: () => torchvision('load', { root: dataRoot }) },
    { key: 'tvExtract', label: 'torchvision extract_archive + load', run: () => torchvision('extract', { tgz: tgzFile, tmp: dataRoot }) },
  );
}
if (hasChromium) floorDefs.push({ key: 'chromium', label: 'Chromium .tar.gz import + touch', run: () => chromiumRound({ archive: tgzFile, expect: N_IMAGES }) });
log('issue 16: floor, torchvision, gunzip, Chromium');
Object.assign(r, measureGroup(floorDefs, rounds));
const gz = spawnSync('sh', ['-c', `t0=$(date +%s%N); gzip -dc '${tgzFile}' > /dev/null; echo $(( ($(date +%s%N) - t0) / 1000000 ))`], { encoding: 'utf8' });
r.gzipCli = { ms: Number(gz.stdout.trim()) };

// Used by the measurements and by the tables (both inside the `!onlyFloor` blocks).
const cores = os.availableParallelism();
const ramDisk = existsSync('/dev/shm') ? '/dev/shm' : null;

if (!onlyFloor) {
log('a. import all 6 batches -> HWC');
r.importWasm = measure('cifarkit wasm', rounds, () => node('import', { dir: py2Dir, backend: 'wasm', expect: N_IMAGES }));
r.importJs = measure('cifarkit js', rounds, () => node('import', { dir: py2Dir, backend: 'js', expect: N_IMAGES }));
r.importPy = measure('python', rounds, () => python('import', { dir: py2Dir, subsets: SUBSETS, expect: N_IMAGES }));

log('b. export to CIFAR pickles');
r.exportFiles = measure('cifarkit export (files)', rounds, () => node('exportFiles', { dir: py2Dir, backend: 'wasm' }));
r.exportMemory = measure('cifarkit exportToFiles (memory)', rounds, () => node('exportMemory', { dir: py2Dir, backend: 'wasm' }));
r.exportPy = measure('python pickle.dump', rounds, () => python('export', { dir: py2Dir, subsets: SUBSETS }));

log('c. CHW <-> HWC kernels, 60,000 images');
r.kWasm = measure('kernels wasm', rounds, () => node('kernels', { kernelsModule, backend: 'wasm', images: N_IMAGES }));
r.kJs = measure('kernels js', rounds, () => node('kernels', { kernelsModule, backend: 'js', images: N_IMAGES }));
r.apiWasm = measure('Image.fromCHW/toCHW wasm', rounds, () => node('imageApi', { backend: 'wasm', images: N_IMAGES }));
r.apiJs = measure('Image.fromCHW/toCHW js', rounds, () => node('imageApi', { backend: 'js', images: N_IMAGES }));

log('d. convert to ImageNet with PNGs (1 batch, 10,000 files)');
const batch1 = join(py2Dir, 'data_batch_1');
[r.png1, r.pngAll] = measurePair(['1 worker', `${cores} workers`], rounds, [
  () => node('png', { file: batch1, backend: 'wasm', workers: 1 }),
  () => node('png', { file: batch1, backend: 'wasm', workers: cores }),
]);
r.createFiles = measure('create 10,000 small files', rounds, () => node('createFiles', { files: 10000 }));
// The same on a RAM disk, where creating a file costs little: what the encoding threads buy.
if (ramDisk) {
  [r.pngRam1, r.pngRamAll] = measurePair(['1 worker, RAM disk', `${cores} workers, RAM disk`], rounds, [
    () => node('png', { file: batch1, backend: 'wasm', workers: 1, outRoot: ramDisk }),
    () => node('png', { file: batch1, backend: 'wasm', workers: cores, outRoot: ramDisk }),
  ]);
  r.createFilesRam = measure('create 10,000 small files, RAM disk', rounds, () => node('createFiles', { files: 10000, outRoot: ramDisk }));
}

log('e. peak RSS baselines');
r.idle = measure('idle node', rounds, () => node('idle', {}));
r.readFiles = measure('read all files', rounds, () => node('readFiles', { dir: py2Dir }));

log('f. Datumaro layout (1 batch, object array)');
r.dmWasm = measure('cifarkit', rounds, () => node('import', { dir: dmDir, backend: 'wasm', expect: 10000 }));
r.dmPy = measure('python', rounds, () => python('datumaro', { file: join(dmDir, 'data_batch_1'), expect: 10000 }));

}

// ---- tables ---------------------------------------------------------------------------------
const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
const mb = (b) => `${(b / MB).toFixed(0)} MB`;
const gbs = (bytes, ms) => bytes / (ms / 1000) / 1e9;
const x = (v) => `${v.toFixed(2)}×`;
const faster = (v) => (v >= 1 ? `${x(v)} faster` : `${x(1 / v)} slower`);
const met = (ok) => (ok ? '**met**' : '**not met**');

const rows = [];
const row = (measurement, cifarkit, reference, ratio, target, status) => rows.push({ measurement, cifarkit, reference, ratio, target, status });

// The issue-16 table: ratios of medians of one alternating group.
const floorRows = [];
const frow = (measurement, cifarkit, reference, ratio, target, status) => floorRows.push({ measurement, cifarkit, reference, ratio, target, status });
const ratioTo = (a, b) => `${x(a / b)}`;
frow('1. floor: the 6 batch files read into fresh memory (readFileSync)', s(r.floor.ms), '—', '—', '(floor)', '');
frow('2. cifarkit folder import, every item touched (id, label, image size)', s(r.folder.ms), `floor ${s(r.floor.ms)}`, `${ratioTo(r.folder.ms, r.floor.ms)} the floor`, '≤ 1.3× the floor', met(r.folder.ms <= 1.3 * r.floor.ms));
if (r.tvLoad) frow('2. … vs torchvision in-process', s(r.folder.ms), `${s(r.tvLoad.ms)} (CIFAR10 train + test)`, faster(r.tvLoad.ms / r.folder.ms), '≥ 1.2× faster', met(r.tvLoad.ms / r.folder.ms >= 1.2));
frow('2b. … and one pixel of every image read (the blocks transposed: HWC on first access)', s(r.folderPixels.ms), `floor ${s(r.floor.ms)}`, `${ratioTo(r.folderPixels.ms, r.floor.ms)} the floor`, '(info)', '');
if (r.tvLoad) frow('3. torchvision CIFAR10(train=True) + CIFAR10(train=False), in-process', s(r.tvLoad.ms), `floor ${s(r.floor.ms)}`, `${ratioTo(r.tvLoad.ms, r.floor.ms)} the floor`, '(reference)', '');
else frow('3. torchvision in-process', 'skipped', `needs ${TORCHVISION_PY} with torchvision: apt-get install python3-torchvision`, '—', '—', '');
frow('4. native gunzip of the archive alone (node:zlib stream, default 16 KiB chunks)', s(r.gunzip.ms), `256 KiB chunks: ${s(r.gunzipLarge.ms)}; gzip -dc: ${s(r.gzipCli.ms)} (one run)`, '—', '(floor)', '');
frow('5. cifarkit .tar.gz import, every item touched', s(r.tgz.ms), `node:zlib alone ${s(r.gunzip.ms)}`, `${ratioTo(r.tgz.ms, r.gunzip.ms)} native gunzip`, '≤ 1.15× native gunzip', met(r.tgz.ms <= 1.15 * r.gunzip.ms));
frow('5. … vs node:zlib with 256 KiB chunks (what cifarkit uses)', s(r.tgz.ms), s(r.gunzipLarge.ms), `${ratioTo(r.tgz.ms, r.gunzipLarge.ms)} that gunzip`, '(info)', '');
if (r.tvExtract) {
  frow('6. torchvision extract_archive + CIFAR10 train + test', s(r.tvExtract.ms), '—', '—', '(reference)', '');
  frow('5. … vs torchvision extract + load', s(r.tgz.ms), s(r.tvExtract.ms), faster(r.tvExtract.ms / r.tgz.ms), '≥ 1.1× faster', met(r.tvExtract.ms / r.tgz.ms >= 1.1));
}
frow('7. export to CIFAR pickles (imported dataset, blocks still planar)', s(r.exportPlanar.ms), `${s(r.exportPy.ms)} (pickle.dump, protocol 4, incl. HWC→CHW)`, faster(r.exportPy.ms / r.exportPlanar.ms), '≥ 1× pickle.dump', met(r.exportPy.ms / r.exportPlanar.ms >= 1));
frow('7. … after every pixel was read (blocks HWC: one hwcToChw per subset)', s(r.exportHwc.ms), s(r.exportPy.ms), faster(r.exportPy.ms / r.exportHwc.ms), '(info)', '');
const above = (m) => m.maxRssBytes - r.idle.maxRssBytes;
frow('8. peak RSS of the folder import, above an idle Node', mb(above(r.folder)), `idle ${mb(r.idle.maxRssBytes)}${r.tvLoad ? `; torchvision ${mb(r.tvLoad.maxRssBytes)} in all` : ''}`, `${x(above(r.folder) / DATA_BYTES)} of 184 MB`, '≤ 1.2 × 184 MB = 221 MB', met(above(r.folder) <= 1.2 * DATA_BYTES));
frow('8. … with every pixel read', mb(above(r.folderPixels)), `idle ${mb(r.idle.maxRssBytes)}`, `${x(above(r.folderPixels) / DATA_BYTES)} of 184 MB`, '(info)', '');
frow('8. … the .tar.gz import', mb(above(r.tgz)), `idle ${mb(r.idle.maxRssBytes)}`, `${x(above(r.tgz) / DATA_BYTES)} of 184 MB`, '(info)', '');
if (r.chromium) frow(`9. Chromium .tar.gz import, every item touched (${r.chromium.inflater}, from bytes in memory)`, s(r.chromium.ms), `Node ${s(r.tgz.ms)}`, `${ratioTo(r.chromium.ms, r.tgz.ms)} Node's`, "≤ 1.3× Node's", met(r.chromium.ms <= 1.3 * r.tgz.ms));
else frow('9. Chromium .tar.gz import', 'skipped', 'no /usr/bin/chromium: apt-get install -y chromium', '—', '—', '');

if (!onlyFloor) {

const impRatio = r.importPy.ms / r.importWasm.ms;
row('a. import 6 batches → HWC (wasm)', s(r.importWasm.ms), `${s(r.importPy.ms)} (Python, torchvision loader)`, faster(impRatio), '≥ 4× faster', met(impRatio >= 4));
// numpy asks for transparent huge pages for its large arrays; Python's rounds are either fast (huge
// pages at hand) or slow (the kernel compacting memory first): show the fastest round too.
const pyBest = Math.min(...r.importPy.allMs);
const ckBest = Math.min(...r.importWasm.allMs);
row('a. … fastest round of each (wasm)', s(ckBest), `${s(pyBest)} (Python, fastest of ${r.importPy.allMs.length}: ${r.importPy.allMs.map((v) => (v / 1000).toFixed(2)).join(', ')} s)`, faster(pyBest / ckBest), '(info)', '');
const impJsRatio = r.importPy.ms / r.importJs.ms;
row('a. import 6 batches → HWC (js backend)', s(r.importJs.ms), s(r.importPy.ms), faster(impJsRatio), '(info)', '');
const expRatio = r.exportPy.ms / r.exportFiles.ms;
row('b. export 6 subsets to CIFAR pickles (files)', s(r.exportFiles.ms), `${s(r.exportPy.ms)} (Python pickle.dump, protocol 4)`, faster(expRatio), '≥ 2× faster', met(expRatio >= 2));
const expMemRatio = r.exportPy.ms / r.exportMemory.ms;
row('b. export 6 subsets, in memory (exportToFiles)', s(r.exportMemory.ms), s(r.exportPy.ms), faster(expMemRatio), '(info)', '');
for (const [dir, key] of [['CHW→HWC', 'chwToHwcMs'], ['HWC→CHW', 'hwcToChwMs']]) {
  const w = gbs(DATA_BYTES, r.kWasm[key]);
  const j = gbs(DATA_BYTES, r.kJs[key]);
  row(`c. ${dir} kernel, 60,000 images (184 MB)`, `${w.toFixed(2)} GB/s (wasm, ${r.kWasm.build} build)`, `${j.toFixed(2)} GB/s (TS fallback)`, faster(w / j), '≥ 3× the TS loop', met(w / j >= 3));
}
for (const [dir, key] of [['Image.fromCHW (CHW→HWC)', 'chwToHwcMs'], ['Image.toCHW (HWC→CHW)', 'hwcToChwMs']]) {
  const w = gbs(DATA_BYTES, r.apiWasm[key]);
  const j = gbs(DATA_BYTES, r.apiJs[key]);
  row(`c. ${dir}, one image per call`, `${w.toFixed(2)} GB/s (wasm)`, `${j.toFixed(2)} GB/s (js)`, faster(w / j), '(info)', '');
}
const rate = (m) => m.files / (m.ms / 1000);
const pngRows = (label, one, all, create) => {
  row(`d. CIFAR → ImageNet PNGs, 1 batch (10,000 files), 1 worker${label}`, `${rate(one).toFixed(0)} files/s (${s(one.ms)})`, '—', '—', '(baseline for all cores)', '');
  const speedup = one.ms / all.ms;
  row(`d. same, all cores (${cores} workers)${label}`, `${rate(all).toFixed(0)} files/s (${s(all.ms)})`, `${rate(one).toFixed(0)} files/s (1 worker)`, faster(speedup), '≥ 1.7× one worker', met(speedup >= 1.7));
  row(`d. floor: creating 10,000 2 KB files, nothing encoded${label}`, `${rate(create).toFixed(0)} files/s (${s(create.ms)})`, '—', '—', '(info)', '');
};
pngRows('', r.png1, r.pngAll, r.createFiles);
if (ramDisk) pngRows(`, to ${ramDisk}`, r.pngRam1, r.pngRamAll, r.createFilesRam);
const aboveIdle = r.importWasm.maxRssBytes - r.idle.maxRssBytes;
const aboveRead = r.importWasm.maxRssBytes - r.readFiles.maxRssBytes;
const rssLimit = 1.5 * DATA_BYTES;
row('e. peak RSS of the import (wasm)', mb(r.importWasm.maxRssBytes), `${mb(r.importPy.maxRssBytes)} (Python loader)`, `${x(r.importWasm.maxRssBytes / r.importPy.maxRssBytes)} of Python`, '(info)', '');
row('e. … above an idle Node', mb(aboveIdle), `idle Node: ${mb(r.idle.maxRssBytes)}`, `${x(aboveIdle / DATA_BYTES)} of 184 MB`, '≤ 1.5 × 184 MB = 276 MB', met(aboveIdle <= rssLimit));
row('e. … above the read-files-only baseline', mb(aboveRead), `read all 7 files: ${mb(r.readFiles.maxRssBytes)}`, `${x(r.importWasm.maxRssBytes / r.readFiles.maxRssBytes)} of baseline`, '≤ 1.5 × 184 MB = 276 MB', met(aboveRead <= rssLimit));
row('e. peak RSS of the import (js backend)', mb(r.importJs.maxRssBytes), mb(r.importPy.maxRssBytes), `${x(r.importJs.maxRssBytes / r.importPy.maxRssBytes)} of Python`, '(info)', '');
const dmRatio = r.dmWasm.ms / r.dmPy.ms;
row('f. Datumaro layout, 1 batch (object array of ints)', s(r.dmWasm.ms), `${s(r.dmPy.ms)} (Python loader + astype(uint8))`,
  faster(1 / dmRatio), 'within 2× of Python', met(dmRatio <= 2));
row('f. Datumaro layout, peak RSS', mb(r.dmWasm.maxRssBytes), mb(r.dmPy.maxRssBytes), `${x(r.dmWasm.maxRssBytes / r.dmPy.maxRssBytes)} of Python`, '(info)', '');

// g. validate (issue 8): once, in this process (bench/validate.mjs; also `npm run bench:validate`).
log('validate: hashing + all pairs, wasm and js');
const { benchValidate } = await import('./validate.mjs');
const v = await benchValidate({ quick, quiet: true });
const vw = v.speed.wasm;
const vj = v.speed.js;
row(`g. validate ${v.nTrain.toLocaleString('en')} train + ${v.nTest.toLocaleString('en')} test (pHash + all ${vw.pairs.toExponential(1)} pairs)`, `${s(vw.ms)} (wasm)`, `${s(vj.ms)} (TS fallback)`, faster(vj.ms / vw.ms), 'seconds on this machine', met(vw.ms < 10_000));
}

const header = ['measurement', 'cifarkit', 'reference', 'ratio', 'target', 'status'];
const tableOf = (list) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...list.map((o) => `| ${header.map((h) => o[h]).join(' | ')} |`)].join('\n');
const mdTable = tableOf(rows);
const floorTable = tableOf(floorRows);
rows.unshift(...floorRows); // spread-ok: ~20 table rows, for the console

// console: plain aligned columns
const plain = (v) => String(v).replace(/\*\*/g, '');
const widths = header.map((h) => Math.max(h.length, ...rows.map((o) => plain(o[h]).length)));
const line = (cells) => cells.map((c, i) => plain(c).padEnd(widths[i])).join('  ');
console.log('\n' + line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const o of rows) console.log(line(header.map((h) => o[h])));

const date = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
const elapsed = ((Date.now() - started) / 1000).toFixed(0);
const md = `# Benchmarks

Generated by \`npm run bench${quick ? ' -- --quick' : rounds !== 5 ? ` -- --rounds ${rounds}` : ''}\` (bench/run.mjs) on ${date}; do not edit by hand.

- Machine: ${cpus.length} cores (\`os.cpus().length\`), ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}
- Node ${process.version}; Python ${pyVersion}; numpy ${npVersion}
- Median of ${rounds} round(s); each measurement in a fresh child process. Times are of the operation only
  (process start-up and module loading excluded on both sides); files are in the page cache.
- ${openblasNote.length ? `This machine sets ${openblasNote.join(', ')}, which slow numpy on some processors: the Python children run with both unset (\`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE\`); the Node side is unaffected.` : 'OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE were not set; the Python children would run with both unset.'}
- Data: a full-size random CIFAR-10 (6 × 10,000 images, 184 MB of pixels) in the original Python 2 cPickle layout, written by \`bench/make-cifar10.py\` (seeded, via \`Py2Pickler\` of test/fixtures/generate.py), cached in \`${relative(ROOT, dataRoot).startsWith('..') ? dataRoot : relative(ROOT, dataRoot)}\`; plus one batch as Datumaro's exporter writes it (protocol 4, object array of ints).
- Whole run: ${elapsed} s. 1-minute load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after (other work on this machine skews numbers; per-round times are in the raw medians below as \`allMs\`).

## Import at the floor, archives at native speed (issue 16)

One alternating group: round k of every row before round k+1 of any, each in a fresh process.
Debian's torchvision ${tvVersion ?? '(not installed)'} (torchvision, numpy) under ${TORCHVISION_PY}, its own \`CIFAR10\` class with only the md5 check
overridden (bench/torchvision_ref.py); Chromium from bench/chromium-tgz.mjs (one fresh browser per round).

${floorTable}

## The other rows

${mdTable}

## What is measured

- **Issue 16 rows**: *floor*: \`fs.readFileSync\` of the 6 batch files, one after the other, into fresh buffers. *Folder import*:
  \`Dataset.importFrom(dir)\`, then every item's \`id\`, first label and \`media.width\` read (2b: and \`media.data[0]\`, which
  transposes each subset's block to HWC). *Native gunzip*: the archive streamed through \`zlib.createGunzip()\` to nowhere
  (1 MiB reads). *.tar.gz import*: \`Dataset.importFrom('cifar-10-python.tar.gz')\` (a path: streamed from disk) + the same touch.
  *torchvision*: \`CIFAR10(root, train=True)\` + \`CIFAR10(root, train=False)\`, and \`extract_archive\` into a fresh folder first.
  *Export*: \`ds.export(dir, 'cifar')\` of the imported dataset, untouched (planar blocks) and after every pixel was read.
  *Chromium*: the archive fetched into memory (not timed), then \`Dataset.importFrom(bytes)\` + the touch, timed in the page.
  *RSS*: \`process.resourceUsage().maxRSS\` of the child minus the idle Node child's.

- **a. import**: \`Dataset.importFrom('cifar-10-batches-py')\` (backend \`wasm\` / \`js\`), then every item's \`media.data\` touched, vs torchvision's loader:
  \`pickle.load(f, encoding='latin1')\` per batch, \`np.vstack\`, \`reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)\` made contiguous.
  Python's times are bimodal on this machine: numpy \`madvise\`s its large arrays for transparent huge pages
  (\`/sys/kernel/mm/transparent_hugepage\`: enabled and defrag \`madvise\`), so a round either gets 2 MB pages at once
  (~0.35 s: one page fault per 2 MB) or waits while the kernel compacts memory (~1.2 s); with
  \`numpy._core.multiarray._set_madvise_hugepage(False)\` it takes ~0.47–0.51 s every time. Node cannot ask for huge
  pages (V8 does not madvise ArrayBuffers), so cifarkit pays one page fault per 4 KB of its 184 MB (~80 ms). The median
  follows whichever mode the rounds fell in; the fastest-round row compares best with best.
- **b. export**: an imported dataset written back with \`ds.export(dir, 'cifar', { saveMedia: true })\` (7 files, temp dir) and with
  \`ds.exportToFiles('cifar')\` (in memory), vs Python: HWC→CHW \`(N, 3072)\` uint8 + labels + filenames, \`pickle.dump(…, protocol=4)\` per subset + \`batches.meta\`.
- **c. kernels**: \`kernels().chwToHwc\` / \`hwcToChw\` over 60,000 32×32 images in one call, GB/s = input bytes per second;
  output buffers pre-faulted, median of 3 calls per child (a first write into a fresh 184 MB buffer costs more in page faults
  than the SIMD kernel itself). \`kernels()\` is not exported, so \`src/kernels/pixels.ts\` (with the generated wasm module) is
  bundled with esbuild for this row. Also the public per-image path (\`Image.fromCHW\` / \`image.toCHW()\`, 60,000 calls, each
  allocating its 3,072-byte output).
- **d. PNG**: \`Dataset.importFrom(data_batch_1)\` then \`ds.export(dir, 'imagenet', { workers })\` (10,000 PNG files), with 1 worker (encoding on
  the main thread) and with one per core (worker_threads), to the temp folder and, where there is one, to a RAM disk (\`/dev/shm\`).
  The floor row creates as many 2 KB files (16 at a time, like the exporter) with nothing to encode: what the filesystem alone costs.
  The rounds of 1 worker and all cores alternate, so both see the same disk state.
- **e. memory**: \`process.resourceUsage().maxRSS\` at the end of the import child; baselines: an idle Node child, and a child
  that only \`fs.readFileSync\`s the 7 files; Python: \`resource.getrusage(RUSAGE_SELF).ru_maxrss\` of the loader.
  The RSS target is judged against the idle Node (the stricter reading); the read-files baseline is shown too.
- **f. Datumaro layout**: cifarkit import of the Datumaro-written batch vs the same torchvision loader on that file
  (\`+ astype(np.uint8)\`, since \`data\` is an object array and cifarkit yields uint8).
- **g. validate**: \`ds.validate()\` on random 32×32 images in two subsets (train, test) with 100 planted near-duplicates and
  50 exact copies (bench/validate.mjs, once, in the bench process): pHash of every image and the Hamming distance of every pair,
  within and across subsets; wasm vs the TS fallback. No Python reference: Datumaro does not look for duplicates.

## Reproduce

\`\`\`sh
npm install
npm run bench                 # 5 rounds; builds first
npm run bench -- --quick      # 2 rounds
npm run bench -- --rounds 9 --data /path/for/data   # data defaults to ${join(os.tmpdir(), 'cifarkit-bench')} (~250 MB, generated once)
\`\`\`

Needs python3 with numpy (data generation and the reference side). The benchmark never fails on numbers, only on errors.

## Raw medians

\`\`\`json
${JSON.stringify(r, null, 1)}
\`\`\`
`;
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, md);
log(`\nwrote ${relative(ROOT, outFile)} (${elapsed} s)`);
