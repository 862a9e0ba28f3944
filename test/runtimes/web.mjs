// The dataset viewer (web/) in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): loads the bundled sample through the page's inputs, checks what the page
// shows (counts, histogram, canvas pixels, filters, search, sort, the detail view, keyboard use,
// axe-core's accessibility rules), and the exported zips (read back in Node). The full-size
// CIFAR-10 run is test/runtimes/web-full.mjs.
// Needs `npm run build` (dist/). Run: node test/runtimes/web.mjs
// Writes screenshots to test-results/web.png (the sample loaded) and web-error.png (an error shown).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync, gzipSync } from 'fflate';
import { assert, checks, eq, launchChromium, offlineContext, requireChromium, ROOT } from './chromium-harness.mjs';

// ----------------------------------------------------------------------------------------------
// SWITCH: which input loads the sample archive in the main flow.
//   'archive' (default): the file input with web/sample/cifar10-sample.tar.gz, i.e.
//                        Dataset.importFrom(File) of an archive, plus the "bundled sample" button.
//   'folder':            the folder input (webkitdirectory) with the sample's unpacked files; the
//                        archive checks are skipped. For a build without archive import only.
// Set with CIFARKIT_WEB_INPUT=folder|archive.
const INPUT = process.env.CIFARKIT_WEB_INPUT ?? 'archive';
// ----------------------------------------------------------------------------------------------

const SAMPLE = join(ROOT, 'web/sample/cifar10-sample.tar.gz');
const SCREENSHOT = join(ROOT, 'test-results/web.png');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

if (!['archive', 'folder'].includes(INPUT)) {
  console.error(`CIFARKIT_WEB_INPUT must be 'archive' or 'folder', got '${INPUT}'`);
  process.exit(2);
}
requireChromium();

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

const { check, harnessFailed, finish } = checks();

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
const browser = await launchChromium();

try {
  // No network: anything that is not our server is refused (and counted).
  const offsite = [];
  const context = await offlineContext(browser, url, { acceptDownloads: true, viewport: { width: 1200, height: 900 } }, (u) => offsite.push(u));
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  await check('the sample archive is what make-sample.mjs writes (reproducible)', async () => {
    const rebuilt = gzipSync(tar([...files].map(([name, data]) => ({ name, data }))), { level: 9, mtime: 0 });
    const committed = new Uint8Array(await readFile(SAMPLE));
    assert(Buffer.compare(Buffer.from(rebuilt), Buffer.from(committed)) === 0, 'web/sample/cifar10-sample.tar.gz differs from a fresh `node web/sample/make-sample.mjs`');
  });

  await check('the page loads (bundle served, no errors, inputs labelled)', async () => {
    await page.goto(url);
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
        count: text('shown-count'),
      };
    });

  /** The thumbnails drawn in the grid, in view order: [id, subset, accessible name]. */
  const cells = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('#grid .cell')]
        .sort((a, b) => a.dataset.pos - b.dataset.pos)
        .map((c) => [c.querySelector('canvas').dataset.id, c.querySelector('canvas').dataset.subset, c.querySelector('button').getAttribute('aria-label')]),
    );

  /** Waits until the grid shows `n` images (its count line) and every cell drawn has its pixels. */
  async function gridSettles(n) {
    await page.waitForFunction(
      (n) => document.getElementById('shown-count').textContent.startsWith(`${n} of `) && [...document.querySelectorAll('#grid .cell')].every((c) => c.dataset.drawn === 'true'),
      n,
      { timeout: 10_000 },
    ).catch(async (e) => {
      // What the grid showed instead: its count line and each cell's [position, item, drawn].
      const grid = await page.evaluate(() => ({ count: document.getElementById('shown-count').textContent, cells: [...document.querySelectorAll('#grid .cell')].map((c) => [c.dataset.pos, c.dataset.index, c.dataset.drawn ?? '']) }));
      throw new Error(`${e.message}; the grid: ${JSON.stringify(grid)}`);
    });
  }

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
    await check(`${source}: the grid shows every image in file order, named by label and id`, async () => {
      await gridSettles(ITEMS.length);
      eq((await shown()).count, `${ITEMS.length} of ${ITEMS.length} images.`, 'count line');
      const got = await cells();
      assert(got.length > 0 && got.length <= ITEMS.length, `${got.length} cells`);
      eq(got, ITEMS.slice(0, got.length).map((i) => [i.id, i.subset, `${LABELS[i.label]}: ${i.id} (${i.subset})`]), 'cells');
    });
  }

  /** Types into the search box and waits for the grid. */
  /**
   * Escape closes the detail view. The dialog hides at once; its 'close' event — which clears the
   * hash and gives the focus back to the thumbnail — comes in a task after, and typing before it
   * can land on the thumbnail instead of the search box. Waits for both, or fails saying which.
   */
  async function closeDetail() {
    await page.keyboard.press('Escape');
    await page.locator('#detail').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => location.hash === '' && document.activeElement?.closest('#grid .cell'), null, { timeout: 10_000 }).catch(async () => {
      const [hash, focus] = await page.evaluate(() => [location.hash, document.activeElement?.outerHTML.slice(0, 120)]);
      throw new Error(`the detail view closed, but the hash is ${JSON.stringify(hash)} and the focus on ${focus}`);
    });
  }

  async function search(text, n) {
    await page.locator('#search').fill(text);
    // The search runs shortly after the typing stops: wait for its count line.
    // (An empty search: until the count line no longer names one.)
    await page.waitForFunction((text) => (text === '' ? !document.getElementById('shown-count').textContent.includes('id containing') : document.getElementById('shown-count').textContent.includes(`id containing "${text}"`)), text, { timeout: 10_000 });
    await gridSettles(n);
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
      await search(item.id, 1);
      const px = await canvasPixels(item.id, item.subset);
      assert(px, `no canvas for ${item.id} (${item.subset})`);
      eq([px.width, px.height, px.alpha], [32, 32, 255], `${item.id} size and alpha`);
      const want = expectedPixels(item);
      const bad = px.rgb.findIndex((v, k) => v !== want[k]);
      assert(bad < 0, `${item.id}: pixel ${Math.floor(bad / 3)} is ${px.rgb.slice(bad - (bad % 3), bad - (bad % 3) + 3)}, expected ${want.slice(bad - (bad % 3), bad - (bad % 3) + 3)}`);
      eq(px.css, 'pixelated', `${item.id} image-rendering`);
      assert(px.cssWidth >= 96, `${item.id} is not scaled up (${px.cssWidth} px wide)`);
    }
    await search('', ITEMS.length);
  });

  await check('class filter: the "cat" chip shows only cats, and keeps the focus (click and Enter)', async () => {
    const chip = page.locator('#class-filter button', { hasText: /^cat \(/ });
    await chip.click();
    await gridSettles(PER_LABEL[3]);
    eq(await cells(), ITEMS.filter((i) => i.label === 3).map((i) => [i.id, i.subset, `cat: ${i.id} (${i.subset})`]), 'cat cells');
    eq(await page.locator('#class-filter button[aria-pressed="true"]').textContent(), `cat (${PER_LABEL[3]})`, 'pressed chip');
    eq(await page.evaluate(() => document.activeElement?.textContent), `cat (${PER_LABEL[3]})`, 'focus after a click');
    const all = page.locator('#class-filter button', { hasText: /^all \(/ });
    await all.focus();
    await page.keyboard.press('Enter');
    await gridSettles(ITEMS.length);
    eq(await page.evaluate(() => document.activeElement?.textContent), `all (${ITEMS.length})`, 'focus after Enter');
  });

  await check('histogram: a label button and its bar filter the grid', async () => {
    await page.locator('#histogram button', { hasText: /^dog$/ }).click();
    await gridSettles(PER_LABEL[5]);
    eq(await page.locator('#histogram button[aria-pressed="true"]').textContent(), 'dog', 'pressed histogram label');
    await page.locator('#histogram tr[data-label="bird"] .bar-cell').click();
    await gridSettles(PER_LABEL[2]);
    eq((await cells()).map((c) => c[0]), ITEMS.filter((i) => i.label === 2).map((i) => i.id), 'bird cells');
    await page.locator('#histogram tr[data-label="bird"] .bar-cell').click(); // again: all
    await gridSettles(ITEMS.length);
  });

  await check('subset filter, search and sort', async () => {
    await page.locator('#subset-filter').selectOption({ label: `test_batch (${PER_SUBSET.test_batch})` });
    await gridSettles(PER_SUBSET.test_batch);
    eq((await cells()).map((c) => c[1]), ITEMS.filter((i) => i.subset === 'test_batch').map(() => 'test_batch'), 'subsets shown');
    await page.locator('#subset-filter').selectOption('-1');
    await search('dog_', PER_LABEL[5]);
    eq((await cells()).map((c) => c[0]), ITEMS.filter((i) => i.id.startsWith('dog_')).map((i) => i.id), 'search dog_');
    await search('', ITEMS.length);
    await page.locator('#sort').selectOption('id');
    await gridSettles(ITEMS.length);
    const byId = ITEMS.map((i, k) => [i, k]).sort(([a, ka], [b, kb]) => (a.id < b.id ? -1 : a.id > b.id ? 1 : ka - kb)).map(([i]) => i.id);
    const got = (await cells()).map((c) => c[0]);
    eq(got, byId.slice(0, got.length), 'sorted by id');
    await page.locator('#sort').selectOption('label');
    await gridSettles(ITEMS.length);
    const byLabel = ITEMS.map((i, k) => [i, k]).sort(([a, ka], [b, kb]) => a.label - b.label || ka - kb).map(([i]) => i.id);
    eq((await cells()).map((c) => c[0]), byLabel.slice(0, got.length), 'sorted by label');
    await page.locator('#sort').selectOption('order');
    await gridSettles(ITEMS.length);
  });

  await check('the detail view: Enter on a thumbnail, its fields, ←/→, Esc back to the thumbnail', async () => {
    await search('horse_', PER_LABEL[7]);
    const horses = ITEMS.filter((i) => i.label === 7);
    await page.locator('#grid button.thumb').first().focus();
    await page.keyboard.press('ArrowRight');
    eq(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `horse: ${horses[1].id} (${horses[1].subset})`, 'focus after ArrowRight');
    await page.keyboard.press('Enter');
    await page.locator('#detail').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.getElementById('detail-canvas').dataset.drawn === 'true');
    const fields = () =>
      page.evaluate(() => Object.fromEntries(['id', 'subset', 'index', 'label', 'parent', 'size', 'duplicates', 'position'].map((k) => [k, document.getElementById(`detail-${k}`).textContent])));
    const h = horses[1];
    const inSubset = ITEMS.filter((i) => i.subset === h.subset).indexOf(h);
    eq(await fields(), { id: h.id, subset: h.subset, index: `${inSubset} in ${h.subset}`, label: 'horse (7)', parent: '—', size: '32 × 32 px', duplicates: 'not checked (use "Check labels and duplicates")', position: `2 of ${horses.length}` }, 'fields');
    const big = await page.evaluate(() => {
      const c = document.getElementById('detail-canvas');
      return [c.width, c.height, c.clientWidth, getComputedStyle(c).imageRendering];
    });
    eq(big, [32, 32, 256, 'pixelated'], 'the enlarged image (8x, pixelated)');
    eq(await page.evaluate(() => location.hash), `#item=${h.subset}/${h.id}`, 'the URL hash');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((id) => document.getElementById('detail-id').textContent === id, horses[2].id);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((id) => document.getElementById('detail-id').textContent === id, horses[1].id);
    await closeDetail();
    eq(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `horse: ${h.id} (${h.subset})`, 'focus back on the thumbnail');
    await search('', ITEMS.length);
  });

  await check('axe-core: no accessibility violations (dataset shown, and the detail view open)', async () => {
    await page.addScriptTag({ path: AXE });
    const run = () => page.evaluate(async () => (await globalThis.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
    eq(await run(), [], 'violations (page)');
    await page.locator('#grid button.thumb').first().click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    eq(await run(), [], 'violations (detail view)');
    await closeDetail();
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
    await page.waitForFunction(() => [...document.querySelectorAll('#validation-pairs canvas')].every((c) => c.dataset.drawn === 'true'));
    const rgb = await page.evaluate(() => {
      const c = document.querySelector('#validation-pairs li canvas');
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const out = [];
      for (let i = 0; i < data.length; i += 4) out.push(data[i], data[i + 1], data[i + 2]);
      return out;
    });
    eq(rgb, expectedPixels(ITEMS.find((i) => i.id === first.a.id && i.subset === first.a.subset)), `${first.a.id} pixels in the pair`);
    // The detail view of a leaked image names its partner.
    await search('cat_3', 1);
    await page.locator('#grid button.thumb').first().click();
    await page.waitForFunction(() => document.getElementById('detail-id').textContent === 'cat_3');
    eq(await page.locator('#detail-duplicates').textContent(), 'cat_0 (data_batch_1): exact copy', 'duplicate partners');
    await closeDetail();
    await search('', ITEMS.length);
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
    eq(Object.keys(zip).sort(), ['batches.meta', ...Object.keys(COUNTS)].map((f) => `${ROOT_DIR}/${f}`).sort(), 'the files, in the official top folder');
    const ds = await api.Dataset.importFrom(zip);
    eq(ds.size, ITEMS.length, 'item count');
    eq(ds.labels.items.map((l) => l.name), LABELS, 'labels');
    eq(Object.fromEntries(ds.subsets().map((s) => [s, ds.getSubset(s).length])), PER_SUBSET, 'subsets');
    eq(LABELS.map((_, l) => [...ds].filter((i) => i.annotations[0]?.label === l).length), PER_LABEL, 'per label');
    const cat = ds.get('cat_1', 'data_batch_1');
    eq([...cat.media.data], expectedPixels(ITEMS.find((i) => i.id === 'cat_1')), 'cat_1 pixels');
    const note = await page.locator('#export-status').textContent();
    assert(note.startsWith(`Saved ${base}-cifar.zip: 3 files in ${ROOT_DIR}/`), `confirmation next to the buttons: ${note}`);
    eq(await page.evaluate(() => document.activeElement?.id), 'export-cifar', 'focus after the export');
  });

  await check('"Export ImageNet (.zip)": <subset>/<label>/<id>.png (imagenet_with_subset_dirs), or <label>/<id>.png with a warning', async () => {
    assert(await page.locator('#imagenet-subsets').isChecked(), 'subset folders are not the default for a dataset with subsets');
    assert(await page.locator('#export-note').isHidden(), 'a warning shows while the subsets are kept');
    const withDirs = await download('Export ImageNet (.zip)');
    eq(Object.keys(withDirs.files).sort(), ITEMS.map((i) => `${i.subset}/${LABELS[i.label]}/${i.id}.png`).sort(), 'paths with subset folders');
    await page.locator('#imagenet-subsets').uncheck();
    const warning = await page.locator('#export-note').textContent();
    assert(/subsets/.test(warning) && warning.includes('data_batch_1, test_batch'), `no warning that the subsets are dropped: ${warning}`);
    const { name, files: zip } = await download('Export ImageNet (.zip)');
    await page.locator('#imagenet-subsets').check();
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

  await check('a file dropped anywhere on the page is read (and the browser does not open it)', async () => {
    const bytes = [...(await readFile(SAMPLE))];
    await page.evaluate(() => {
      document.getElementById('status').textContent = '';
    });
    const prevented = await page.evaluate((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped.tar.gz', { type: 'application/gzip' }));
      const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
      document.querySelector('h1').dispatchEvent(over);
      const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
      document.querySelector('#histogram').dispatchEvent(drop);
      return [over.defaultPrevented, drop.defaultPrevented];
    }, bytes);
    eq(prevented, [true, true], 'dragover and drop default actions prevented');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Read dropped.tar.gz:'), null, { timeout: 20_000 });
  });

  await check('an image link (#item=<subset>/<id>) survives a reload: it opens once the dataset is loaded again', async () => {
    await page.goto(`${url}#item=test_batch/truck_2`);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    eq(await page.locator('#status').textContent(), 'Load the dataset to see truck_2 (test_batch).', 'status before loading');
    await page.getByRole('button', { name: 'Load the bundled sample' }).click();
    await page.locator('#detail').waitFor({ state: 'visible', timeout: 20_000 });
    eq([await page.locator('#detail-id').textContent(), await page.locator('#detail-subset').textContent()], ['truck_2', 'test_batch'], 'the item opened');
    await closeDetail();
  });

  await check('no page errors, no requests off localhost', async () => {
    eq(pageErrors, [], 'page errors');
    eq(offsite, [], 'off-site requests');
  });

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`screenshot: ${SCREENSHOT}`);
  console.log(`Chromium ${browser.version()}, input: ${INPUT}`);
} catch (e) {
  harnessFailed(e);
} finally {
  await browser.close();
  server.close();
  await rm(tmp, { recursive: true, force: true });
}
finish();
