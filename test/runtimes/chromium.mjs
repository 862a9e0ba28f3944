// The fixture suite in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// against dist/browser.js, with the files fetched into memory by the page (run: npm run test:browser).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium, requireChromium, ROOT } from './chromium-harness.mjs';
import { loadCases, sourcePaths, GENERATED, ARCHIVES, loadArchiveFixtures } from './load-cases.mjs';
import { report } from './cases.mjs';

requireChromium({ needDist: false });

// Bundle the test page's entry as an application would, through the package's exports map.
const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./browser-entry.mjs', import.meta.url))],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  write: false,
  logLevel: 'silent',
});
const bundleText = bundle.outputFiles[0].text;
if (/["']node:/.test(bundleText)) {
  console.error('the browser bundle imports node: modules');
  process.exit(1);
}

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.map': 'application/json' };
const server = createServer(async (req, res) => {
  if (req.url === '/bundle.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundleText);
  const path = normalize(join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (relative(ROOT, path).startsWith('..')) return res.writeHead(403).end();
  try {
    const body = await readFile(path);
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const cases = await loadCases();
const archiveFixtures = await loadArchiveFixtures();
const archivesRel = relative(ROOT, fileURLToPath(ARCHIVES));
const archiveManifest = { manifest: archiveFixtures.manifest, expected: archiveFixtures.expected, files: Object.keys(archiveFixtures.archives).map((f) => [f, `/${archivesRel}/${f}`]) };
const genRel = relative(ROOT, fileURLToPath(GENERATED));
// The page fetches each case's files itself: pass only names and URLs.
const manifest = cases.map((c) => ({
  name: c.name,
  expected: c.expected,
  error: c.error,
  files: sourcePaths(c).map(([p, rel]) => [p, `/${genRel}/${rel}`]),
}));

const browser = await launchChromium();
let failed = 1;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${base}/test/runtimes/blank.html`);
  const results = await page.evaluate(async ([manifest, archiveManifest]) => {
    await import('/bundle.js');
    const api = globalThis.cifarkit;
    const runCases = globalThis.runCases;
    const cases = [];
    for (const c of manifest) {
      const files = {};
      for (const [p, url] of c.files) {
        const r = await fetch(url);
        if (!r.ok) throw new Error(`fetch ${url}: ${r.status}`);
        files[p] = new Uint8Array(await r.arrayBuffer());
      }
      cases.push({ ...c, files });
    }
    const results = await runCases(api, cases);
    // The official archives from bytes, Blob, Response and streams, fetched by the page.
    {
      const { archiveChecks } = await import('/test/archive/runtime-cases.mjs');
      const { describeDataset } = await import('/test/runtimes/cases.mjs');
      const archives = {};
      for (const [name, url] of archiveManifest.files) archives[name] = new Uint8Array(await (await fetch(url)).arrayBuffer());
      for (const r of await archiveChecks(api, { archives, manifest: archiveManifest.manifest, expected: archiveManifest.expected, describeDataset })) {
        results.push({ name: `archive: ${r.name}`, backend: '-', ok: r.ok, detail: r.detail });
      }
    }
    // Native inflate: DecompressionStream (the default here) and fflate; then fflate without DecompressionStream.
    {
      const { inflateChecks } = await import('/test/archive/runtime-cases.mjs');
      const { describeDataset } = await import('/test/runtimes/cases.mjs');
      const archives = {};
      for (const [name, url] of archiveManifest.files) archives[name] = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const fixtures = { archives, manifest: archiveManifest.manifest, expected: archiveManifest.expected, describeDataset };
      for (const r of await inflateChecks(api, { ...fixtures, inflaters: ['DecompressionStream', 'fflate'] })) {
        results.push({ name: `inflate: ${r.name}`, backend: '-', ok: r.ok, detail: r.detail });
      }
      const saved = globalThis.DecompressionStream;
      delete globalThis.DecompressionStream;
      try {
        let detail = api.getInflater() === 'fflate' ? null : `without DecompressionStream the inflater is ${api.getInflater()}`;
        if (detail === null) {
          const ds = await api.Dataset.importFrom(archives['cifar-10-python.tar.gz']);
          const { labels, subsets, items } = archiveManifest.expected['py2-cifar10'];
          if (JSON.stringify(await describeDataset(ds)) !== JSON.stringify({ labels, subsets, items })) detail = 'the fflate fallback reads a different dataset';
        }
        results.push({ name: 'inflate: fflate is used when DecompressionStream is absent', backend: '-', ok: detail === null, detail });
      } finally {
        globalThis.DecompressionStream = saved;
      }
    }
    // File objects, as an <input type="file" multiple> gives them.
    {
      const c = cases.find((x) => x.name === 'datumaro-cifar10');
      const files = Object.entries(c.files).map(([name, bytes]) => new File([bytes], name));
      let detail = null;
      try {
        const ds = await api.Dataset.importFrom(files);
        const { describeDataset } = await import('/test/runtimes/cases.mjs');
        const { labels, subsets, items } = c.expected;
        if (JSON.stringify(await describeDataset(ds)) !== JSON.stringify({ labels, subsets, items })) detail = 'File[] import differs from the expected dataset';
      } catch (e) {
        detail = String(e);
      }
      results.push({ name: 'datumaro-cifar10 from File objects', backend: '-', ok: detail === null, detail });
    }
    // A real ImageData from the wasm RGBA kernel, and back.
    {
      const c = cases.find((x) => x.name === 'datumaro-cifar10');
      const ds = await api.Dataset.importFrom(c.files);
      const img = [...ds].find((i) => i.media).media;
      const data = img.toImageData();
      const back = api.Image.fromImageData(data);
      const ok = data instanceof ImageData && data.data[3] === 255 && data.data[0] === img.data[0] && back.data.every((v, k) => v === img.data[k]);
      results.push({ name: 'toImageData gives a real ImageData (alpha 255) and fromImageData inverts it', backend: '-', ok, detail: ok ? null : String(data) });
    }
    // PNG/JPEG encoding on Web Workers (exportToFiles with workers): the same bytes as on the page's thread.
    {
      const { encodeWorkersCheck } = await import('/test/runtimes/cases.mjs');
      for (const backend of ['wasm', 'js']) {
        const detail = await encodeWorkersCheck(api, backend);
        results.push({ name: 'exportToFiles on 3 Web Workers gives the bytes of 1 thread', backend, ok: detail === null, detail });
      }
    }
    // A path is no use in a browser: the error must say what to pass instead.
    let pathError = null;
    try {
      await api.Dataset.importFrom('some/path');
    } catch (e) {
      pathError = `${e.code}: ${e.message}`;
    }
    results.push({ name: 'path input is refused in browsers', backend: '-', ok: /INVALID_ARGUMENT: .*File\[\]/.test(pathError), detail: pathError });
    api.setBackend('auto');
    results.push({ name: "'auto' picks wasm in Chromium", backend: '-', ok: api.getBackend() === 'wasm', detail: api.getBackend() });
    results.push({ name: 'the SIMD kernels are used in Chromium', backend: '-', ok: api.wasmFeatures().simd === true, detail: JSON.stringify(api.wasmFeatures()) });
    return results;
  }, [manifest, archiveManifest]);
  console.log(`Chromium ${browser.version()}`);
  failed = report(results);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed === 0 ? 0 : 1);
