// The dataset viewer (web/) in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): loads the bundled sample through the page's inputs, checks what the page
// shows (counts, histogram, canvas pixels, filters), and the exported zips (read back in Node).
// Needs `npm run build` (dist/). Run: node test/runtimes/web.mjs
// Writes screenshots to test-results/web.png (the sample loaded) and web-error.png (an error shown).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, gzipSync } from 'fflate';
import { chromium } from 'playwright-core';

// ----------------------------------------------------------------------------------------------
// SWITCH: which input loads the sample archive in the main flow.
//   'archive' (default): the file input with web/sample/cifar10-sample.tar.gz, i.e.
//                        Dataset.importFrom(File) of an archive, plus the "bundled sample" button.
//   'folder':            the folder input (webkitdirectory) with the sample's unpacked files; the
//                        archive checks are skipped. For a build without archive import only.
// Set with CIFARKIT_WEB_INPUT=folder|archive.
const INPUT = process.env.CIFARKIT_WEB_INPUT ?? 'archive';
// ----------------------------------------------------------------------------------------------

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SAMPLE = join(ROOT, 'web/sample/cifar10-sample.tar.gz');
const SCREENSHOT = join(ROOT, 'test-results/web.png');
const PER_CLASS = 3; // the page is opened with ?perClass=3, so "Show more" has work to do

if (!['archive', 'folder'].includes(INPUT)) {
  console.error(`CIFARKIT_WEB_INPUT must be 'archive' or 'folder', got '${INPUT}'`);
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
if (!existsSync(join(ROOT, 'dist/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

const api = await import('../../dist/index.js');
const { LABELS, COUNTS, ROOT_DIR, itemPixelAt, sampleItems, sampleFiles, tar } = await import('../../web/sample/make-sample.mjs');
const { startServer } = await import('../../scripts/serve-web.mjs');

// What the sample holds.
const ITEMS = sampleItems();
const PER_LABEL = LABELS.map((_, l) => ITEMS.filter((i) => i.label === l).length);
const PER_SUBSET = Object.fromEntries(Object.keys(COUNTS).map((s) => [s, ITEMS.filter((i) => i.subset === s).length]));
const expectedPixels = (item) => {
  const out = [];
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out.push(...itemPixelAt(item, y, x));
  return out;
};

// ---------- tiny harness ----------
const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e?.message ?? e}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

// ---------- fixtures on disk ----------
await mkdir(dirname(SCREENSHOT), { recursive: true });
const tmp = await mkdtemp(join(tmpdir(), 'cifarkit-web-'));
const files = await sampleFiles();
const folder = join(tmp, 'folder');
for (const [path, data] of files) {
  if (data === null) await mkdir(join(folder, path), { recursive: true });
  else {
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), data);
  }
}
const brokenFolder = join(tmp, 'broken', ROOT_DIR);
await mkdir(brokenFolder, { recursive: true });
await writeFile(join(brokenFolder, 'batches.meta'), files.get(`${ROOT_DIR}/batches.meta`));
await writeFile(join(brokenFolder, 'data_batch_1'), files.get(`${ROOT_DIR}/data_batch_1`).subarray(0, 5000)); // cut short

const { server, url } = await startServer({ port: 0 });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  // No network: anything that is not our server is refused (and counted).
  const offsite = [];
  await context.route((u) => !u.href.startsWith(url) && !u.href.startsWith('blob:') && !u.href.startsWith('data:'), (route) => {
    offsite.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  await check('the sample archive is what make-sample.mjs writes (reproducible)', async () => {
    const rebuilt = gzipSync(tar([...files].map(([name, data]) => ({ name, data }))), { level: 9, mtime: 0 });
    const committed = new Uint8Array(await readFile(SAMPLE));
    assert(Buffer.compare(Buffer.from(rebuilt), Buffer.from(committed)) === 0, 'web/sample/cifar10-sample.tar.gz differs from a fresh `node web/sample/make-sample.mjs`');
  });

  await check('the page loads (bundle served, no errors, inputs labelled)', async () => {
    await page.goto(`${url}?perClass=${PER_CLASS}`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 10_000 });
    eq(await page.locator('h1').textContent(), 'cifarkit dataset viewer', 'title');
    assert(await page.locator('#dataset').isHidden(), 'the dataset section shows before anything is loaded');
    for (const label of ['Archive file', 'Dataset folder']) assert((await page.getByLabel(label).count()) === 1, `no input labelled '${label}'`);
    assert((await page.getByRole('button', { name: 'Load the bundled sample' }).count()) === 1, "no button 'Load the bundled sample'");
  });

  /** Runs `action`, then waits until the page has read `name` (or shows an error). */
  async function loadVia(name, action) {
    await page.evaluate(() => {
      document.getElementById('status').textContent = '';
    });
    await action();
    await page.waitForFunction(
      (name) => document.getElementById('status').textContent.startsWith(`Read ${name}:`) || !document.getElementById('error').hidden,
      name,
      { timeout: 20_000 },
    );
    const error = await page.locator('#error').isVisible();
    if (error) throw new Error(`the page shows an error: ${await page.locator('#error').textContent()}`);
  }

  /** What the page shows about the dataset. */
  const shown = () =>
    page.evaluate(() => {
      const text = (id) => document.getElementById(id).textContent;
      return {
        format: text('info-format'),
        items: text('info-items'),
        labels: text('info-labels'),
        subsets: Object.fromEntries([...document.querySelectorAll('#info-subsets li')].map((li) => [li.dataset.subset, li.querySelector('.count').textContent])),
        histogram: [...document.querySelectorAll('#histogram tbody tr')].map((tr) => [tr.dataset.label, tr.querySelector('.count').textContent]),
        groups: [...document.querySelectorAll('#grid .class-group')].map((g) => [g.dataset.label, g.querySelectorAll('canvas').length]),
      };
    });

  async function checkShown(source) {
    await check(`${source}: info shows format, item, label and subset counts`, async () => {
      const s = await shown();
      eq(s.format, 'cifar', 'format');
      eq(s.items, String(ITEMS.length), 'items');
      eq(s.labels, String(LABELS.length), 'labels');
      eq(s.subsets, Object.fromEntries(Object.entries(PER_SUBSET).map(([k, v]) => [k, String(v)])), 'subsets');
      for (const name of ['Export CIFAR (.zip)', 'Export ImageNet (.zip)']) {
        assert(await page.getByRole('button', { name }).isEnabled(), `no enabled button '${name}'`);
      }
    });
    await check(`${source}: histogram numbers per label`, async () => {
      eq((await shown()).histogram, LABELS.map((l, i) => [l, String(PER_LABEL[i])]), 'histogram');
    });
    await check(`${source}: grid shows every class, at most ${PER_CLASS} images each`, async () => {
      eq((await shown()).groups, LABELS.map((l, i) => [l, Math.min(PER_CLASS, PER_LABEL[i])]), 'groups');
    });
  }

  /** The pixels (RGB) of the canvas of an item, read back from the page. */
  const canvasPixels = (id, subset) =>
    page.evaluate(
      ([id, subset]) => {
        const c = document.querySelector(`canvas[data-id="${id}"][data-subset="${subset}"]`);
        if (!c) return null;
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        const rgb = [];
        for (let i = 0; i < data.length; i += 4) rgb.push(data[i], data[i + 1], data[i + 2]);
        return { width: c.width, height: c.height, alpha: data[3], css: getComputedStyle(c).imageRendering, cssWidth: c.getBoundingClientRect().width, rgb };
      },
      [id, subset],
    );

  // ---------- the main flow ----------
  if (INPUT === 'archive') {
    await check('archive input: the .tar.gz is read', () =>
      loadVia('cifar10-sample.tar.gz', () => page.locator('#archive-input').setInputFiles(SAMPLE)),
    );
  } else {
    console.log('NOTE CIFARKIT_WEB_INPUT=folder: the archive input and the sample button are not tested');
    await check('folder input: the sample folder is read', () => loadVia(ROOT_DIR, () => page.locator('#folder-input').setInputFiles(join(folder, ROOT_DIR))));
  }
  await checkShown(INPUT === 'archive' ? 'archive input' : 'folder input');

  await check('canvas pixels of known images equal the sample colours (every pixel)', async () => {
    for (const item of [ITEMS.find((i) => i.id === 'cat_1'), ITEMS.find((i) => i.id === 'truck_2' && i.subset === 'test_batch')]) {
      const px = await canvasPixels(item.id, item.subset);
      assert(px, `no canvas for ${item.id} (${item.subset})`);
      eq([px.width, px.height, px.alpha], [32, 32, 255], `${item.id} size and alpha`);
      const want = expectedPixels(item);
      const bad = px.rgb.findIndex((v, k) => v !== want[k]);
      assert(bad < 0, `${item.id}: pixel ${Math.floor(bad / 3)} is ${px.rgb.slice(bad - (bad % 3), bad - (bad % 3) + 3)}, expected ${want.slice(bad - (bad % 3), bad - (bad % 3) + 3)}`);
      eq(px.css, 'pixelated', `${item.id} image-rendering`);
      assert(px.cssWidth >= 96, `${item.id} is not scaled up (${px.cssWidth} px wide)`);
    }
  });

  await check('class filter: the "cat" chip shows only cats', async () => {
    await page.locator('#class-filter button', { hasText: /^cat \(/ }).click();
    eq((await shown()).groups, [['cat', Math.min(PER_CLASS, PER_LABEL[3])]], 'groups');
    eq(await page.locator('#class-filter button[aria-pressed="true"]').textContent(), `cat (${PER_LABEL[3]})`, 'pressed chip');
    await page.locator('#class-filter button', { hasText: /^all \(/ }).click();
    eq((await shown()).groups.length, LABELS.length, 'groups after "all"');
  });

  await check('"Show more" adds the next images of a class, then goes away', async () => {
    const group = page.locator('#grid .class-group[data-label="airplane"]');
    const more = group.getByRole('button', { name: 'Show more airplane images' });
    const counts = [await group.locator('canvas').count()];
    while (await more.isVisible()) {
      await more.click();
      counts.push(await group.locator('canvas').count());
      assert(counts.length < 10, 'Show more never ends');
    }
    const want = [];
    for (let n = PER_CLASS; ; n += PER_CLASS) {
      want.push(Math.min(n, PER_LABEL[0]));
      if (n >= PER_LABEL[0]) break;
    }
    eq(counts, want, 'airplane canvases after each click');
    const ids = await group.locator('canvas').evaluateAll((cs) => cs.map((c) => c.dataset.id));
    eq(ids, ITEMS.filter((i) => i.label === 0).map((i) => i.id), 'airplane ids in order');
  });

  await check('subset filter: test_batch shows one image per class', async () => {
    await page.locator('#subset-filter').selectOption('test_batch');
    eq((await shown()).groups, LABELS.map((l) => [l, 1]), 'groups');
    await page.locator('#subset-filter').selectOption('');
    eq((await shown()).groups.length, LABELS.length, 'groups after "all subsets"');
  });

  /** Clicks an export button and returns the downloaded zip's name and files. */
  await check('"Check labels and duplicates" shows what ds.validate() finds, with each pair drawn', async () => {
    const expected = (await api.Dataset.importFrom(SAMPLE)).validate();
    await page.getByRole('button', { name: 'Check labels and duplicates' }).click();
    await page.waitForFunction(() => !document.getElementById('validation').hidden, null, { timeout: 20_000 });
    const got = await page.evaluate(() => ({
      summary: document.getElementById('validation-summary').textContent,
      labels: [...document.querySelectorAll('#validation-labels li')].map((li) => li.dataset.type),
      pairs: [...document.querySelectorAll('#validation-pairs li')].map((li) => [li.dataset.a, li.dataset.b, li.querySelectorAll('canvas').length]),
      more: document.getElementById('validation-more').hidden ? '' : document.getElementById('validation-more').textContent,
    }));
    const s = expected.summary;
    assert(
      got.summary.includes(`${s.exactDuplicates} exact and ${s.nearDuplicates} near-duplicate pairs (pHash distance ≤ ${s.threshold}), ${s.acrossSubsets} of them across subsets`),
      `summary: ${got.summary}`,
    );
    assert(got.summary.startsWith(`${ITEMS.length} images checked in `), `summary: ${got.summary}`);
    eq(got.labels, expected.labels.map((f) => f.type), 'label findings');
    const shownPairs = expected.duplicates.slice(0, 24).map((p) => [`${p.a.subset}/${p.a.id}`, `${p.b.subset}/${p.b.id}`, 2]);
    eq(got.pairs, shownPairs, 'pairs shown');
    // ... which are exactly the sample's planted train/test leaks (make-sample.mjs LEAKS).
    eq(got.pairs, [['data_batch_1/cat_0', 'test_batch/cat_3', 2], ['data_batch_1/dog_1', 'test_batch/dog_5', 2]], 'the planted leaks');
    const rest = expected.duplicates.length - 24;
    eq(got.more, rest > 0 ? `and ${rest} more pairs (cifarkit validate --report writes them all)` : '', 'the count of pairs not drawn');
    // The first pair's first image, read back from its canvas, is that item's pixels.
    const first = expected.duplicates[0];
    const rgb = await page.evaluate(() => {
      const c = document.querySelector('#validation-pairs li canvas');
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const out = [];
      for (let i = 0; i < data.length; i += 4) out.push(data[i], data[i + 1], data[i + 2]);
      return out;
    });
    eq(rgb, expectedPixels(ITEMS.find((i) => i.id === first.a.id && i.subset === first.a.subset)), `${first.a.id} pixels in the pair`);
  });

  async function download(buttonName) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.getByRole('button', { name: buttonName }).click()]);
    const path = await dl.path();
    return { name: dl.suggestedFilename(), files: unzipSync(new Uint8Array(await readFile(path))) };
  }
  const base = INPUT === 'archive' ? 'cifar10-sample' : ROOT_DIR;

  await check('"Export CIFAR (.zip)" downloads a CIFAR dataset that reads back the same in Node', async () => {
    const { name, files: zip } = await download('Export CIFAR (.zip)');
    eq(name, `${base}-cifar.zip`, 'file name');
    for (const f of ['batches.meta', ...Object.keys(COUNTS)]) assert(zip[f], `the zip has no ${f}: ${Object.keys(zip)}`);
    const ds = await api.Dataset.importFrom(zip);
    eq(ds.size, ITEMS.length, 'item count');
    eq(ds.labels.items.map((l) => l.name), LABELS, 'labels');
    eq(Object.fromEntries(ds.subsets().map((s) => [s, ds.getSubset(s).length])), PER_SUBSET, 'subsets');
    eq(LABELS.map((_, l) => [...ds].filter((i) => i.annotations[0]?.label === l).length), PER_LABEL, 'per label');
    const cat = ds.get('cat_1', 'data_batch_1');
    eq([...cat.media.data], expectedPixels(ITEMS.find((i) => i.id === 'cat_1')), 'cat_1 pixels');
    assert(await page.getByRole('status').textContent().then((t) => t.startsWith('Exported ')), 'no "Exported" status');
  });

  await check('"Export ImageNet (.zip)" downloads <label>/<id>.png for every image', async () => {
    const { name, files: zip } = await download('Export ImageNet (.zip)');
    eq(name, `${base}-imagenet.zip`, 'file name');
    eq(Object.keys(zip).sort(), ITEMS.map((i) => `${LABELS[i.label]}/${i.id}.png`).sort(), 'paths');
    const img = api.decodeImage(zip['truck/truck_2.png'], 'truck_2.png');
    eq([...img.data], expectedPixels(ITEMS.find((i) => i.id === 'truck_2')), 'truck_2.png pixels');
    const ds = await api.Dataset.importFrom(zip);
    eq(ds.size, ITEMS.length, 'item count read back');
  });

  // ---------- the other inputs, and errors ----------
  if (INPUT === 'archive') {
    await check('folder input (webkitdirectory): the unpacked sample is read', () =>
      loadVia(ROOT_DIR, () => page.locator('#folder-input').setInputFiles(join(folder, ROOT_DIR))),
    );
    await checkShown('folder input');
  }

  await check('a broken batch file shows its error code and message in the page', async () => {
    await page.locator('#folder-input').setInputFiles(brokenFolder);
    await page.locator('#error').waitFor({ state: 'visible', timeout: 10_000 });
    const text = await page.locator('#error').textContent();
    assert(/^Could not read cifar-10-batches-py: [A-Z_]+: .*data_batch_1/.test(text), `error text: ${text}`);
    assert(/^PICKLE_|^CIFAR_/.test(await page.locator('#error .code').textContent()), 'not a CifarkitError code');
    assert(await page.locator('#load').isVisible(), 'the load controls are gone');
    assert(await page.locator('#dataset').isHidden(), 'the old dataset is still shown');
  });

  if (INPUT === 'archive') {
    await check('a damaged archive shows an error, not a blank page', async () => {
      await page.locator('#archive-input').setInputFiles({ name: 'broken.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]) });
      await page.locator('#error').waitFor({ state: 'visible', timeout: 10_000 });
      const text = await page.locator('#error').textContent();
      assert(/^Could not read broken.tar.gz: [A-Z_]+: \S/.test(text), `error text: ${text}`);
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-error.png') });
    });
    await check('"Load the bundled sample" fetches and reads the sample archive', () =>
      loadVia('cifar10-sample.tar.gz', () => page.getByRole('button', { name: 'Load the bundled sample' }).click()),
    );
    await checkShown('bundled sample');
  } else {
    await loadVia(ROOT_DIR, () => page.locator('#folder-input').setInputFiles(join(folder, ROOT_DIR)));
  }

  await check('no page errors, no requests off localhost', async () => {
    eq(pageErrors, [], 'page errors');
    eq(offsite, [], 'off-site requests');
  });

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`screenshot: ${SCREENSHOT}`);
  console.log(`Chromium ${browser.version()}, input: ${INPUT}`);
} catch (e) {
  results.push({ name: 'harness', ok: false });
  console.log(`FAIL harness: ${e?.stack ?? e}`);
} finally {
  await browser.close();
  server.close();
  await rm(tmp, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 && results.length > 0 ? 0 : 1);
