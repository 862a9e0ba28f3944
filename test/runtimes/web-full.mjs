// The dataset viewer (web/) with a full-size CIFAR-10 (60,000 images, a ~170 MB .tar.gz made
// at test time by test/runtimes/make-full-cifar10.mjs in a temporary folder) in headless
// Chromium: the page must stay responsive while the worker reads, checks and exports it — no
// main-thread task of 100 ms or more, as the browser itself reports them (PerformanceObserver
// 'longtask') —, show its progress, keep the DOM small, and reach every image: the last one by
// scrolling and by search, with its detail view. Saves test-results/viewer.png; with
// --update-screenshot also docs/viewer.png (the README's screenshot), so a test run leaves the
// tree as it was. Needs `npm run build` (dist/). Run: node test/runtimes/web-full.mjs
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { assert, checks, eq, launchChromium, offlineContext, requireChromium, ROOT } from './chromium-harness.mjs';

const SCREENSHOT = join(ROOT, 'test-results/viewer.png');
const README_SCREENSHOT = process.argv.includes('--update-screenshot') ? join(ROOT, 'docs/viewer.png') : null;
/** The longest main-thread task allowed (the responsiveness bound; the browser measures it). */
const LONG_TASK_MS = 100;
const MAX_ELEMENTS = 5000;

requireChromium();

const { writeFullCifar10, idOf, labelOf, SUBSETS, PER_SUBSET, TOTAL } = await import('./make-full-cifar10.mjs');
const { LABELS } = await import('../../web/sample/make-sample.mjs');
const { startServer } = await import('../../scripts/serve-web.mjs');

const { check, harnessFailed, finish } = checks();

const tmp = await mkdtemp(join(tmpdir(), 'cifarkit-web-full-'));
let started = performance.now();
const archive = await writeFullCifar10(tmp);
console.log(`generated ${archive} in ${Math.round(performance.now() - started)} ms`);
const LAST = TOTAL - 1;
const last = { id: idOf(LAST), subset: SUBSETS.at(-1), label: LABELS[labelOf(LAST)] };

const { server, url } = await startServer({ port: 0 });
const browser = await launchChromium();

try {
  const context = await offlineContext(browser, url, { acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  // Before the page's own scripts: record every long task, and every value the progress bar takes.
  await context.addInitScript(() => {
    globalThis.__longTasks = [];
    const keep = (entries) => {
      for (const e of entries) globalThis.__longTasks.push({ start: e.startTime, duration: e.duration });
    };
    const observer = new PerformanceObserver((list) => keep(list.getEntries()));
    observer.observe({ type: 'longtask', buffered: true });
    // The observer's callback runs in a later task: what a measurement reads takes the entries not delivered yet.
    globalThis.__takeLongTasks = () => keep(observer.takeRecords());
    globalThis.__progress = [];
    document.addEventListener('DOMContentLoaded', () => {
      const bar = document.getElementById('progress');
      new MutationObserver(() => globalThis.__progress.push([performance.now(), bar.getAttribute('value'), document.getElementById('progress-text').textContent])).observe(bar, {
        attributes: true,
        attributeFilter: ['value'],
      });
    });
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });

  /** Runs `action` (which starts a job in the worker), waits for `done` in the page, and returns the long tasks in between. */
  async function measured(action, done, timeout) {
    const from = await page.evaluate(() => performance.now());
    await action();
    await page.waitForFunction(done, null, { timeout, polling: 250 });
    const to = await page.evaluate(() => performance.now());
    // A task that ended just before \`done\` was seen may not be reported yet: two frames later it is.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
    const tasks = await page.evaluate(([from, to]) => {
      globalThis.__takeLongTasks();
      return globalThis.__longTasks.filter((t) => t.start >= from && t.start <= to);
    }, [from, to]);
    return { ms: to - from, tasks, from, to };
  }
  const longest = (tasks) => tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  const noError = () => page.locator('#error').isHidden();

  await check('Cancel stops a load midway: no dataset, the controls back, the focus on the input used', async () => {
    await page.locator('#archive-input').setInputFiles(archive);
    await page.waitForFunction(() => Number(document.getElementById('progress').getAttribute('value')) > 0, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    eq(await page.locator('#status').textContent(), 'Cancelled reading cifar-10-python.tar.gz.', 'status');
    assert(await page.locator('#progress-box').isHidden(), 'the progress bar is still shown');
    assert(await page.locator('#dataset').isHidden(), 'a dataset is shown');
    assert(await page.locator('#error').isHidden(), 'an error is shown');
    assert(await page.locator('#sample-button').isEnabled(), 'the load controls stay disabled');
    eq(await page.evaluate(() => document.activeElement?.id), 'archive-input', 'focus');
  });

  let load;
  await check(`the ${TOTAL}-image .tar.gz loads in the worker, no main-thread task ≥ ${LONG_TASK_MS} ms`, async () => {
    load = await measured(
      () => page.locator('#archive-input').setInputFiles(archive),
      () => /^Read /.test(document.getElementById('status').textContent) || !document.getElementById('error').hidden,
      240_000,
    );
    assert(await noError(), `error: ${await page.locator('#error').textContent()}`);
    eq(await page.locator('#info-items').textContent(), String(TOTAL), 'items');
    eq(await page.locator('#dataset').getAttribute('data-inflater'), 'DecompressionStream', "the library's inflater in the worker");
    console.log(`     load: ${Math.round(load.ms)} ms, ${load.tasks.length} long tasks, longest ${Math.round(longest(load.tasks))} ms`);
    assert(longest(load.tasks) < LONG_TASK_MS, `a main-thread task of ${Math.round(longest(load.tasks))} ms: ${JSON.stringify(load.tasks)}`);
  });

  await check('the progress bar advanced while loading: bytes read, then items decoded, up to 100%', async () => {
    const values = await page.evaluate(([from, to]) => globalThis.__progress.filter(([t]) => t >= from && t <= to), [load.from, load.to]);
    const numbers = values.map(([, v]) => (v === null ? null : Number(v))).filter((v) => v !== null);
    const reading = values.filter(([, , text]) => /^Reading: .* MB of .* MB read \(\d+%\)$/.test(text));
    const decoding = values.filter(([, , text]) => /^Decoding: \d+ of 60000 items decoded \(\d+%\)$/.test(text));
    assert(reading.length >= 5, `only ${reading.length} "bytes read" steps: ${JSON.stringify(values.slice(0, 5))}`);
    assert(decoding.length >= 2, `only ${decoding.length} "items decoded" steps`);
    const readPct = reading.map(([, v]) => Number(v));
    assert(readPct.every((v, i) => i === 0 || v >= readPct[i - 1]), `the bytes-read bar went back: ${readPct}`);
    assert(new Set(readPct).size >= 5, `the bar took only ${new Set(readPct).size} values while reading`);
    assert(numbers.includes(1000), 'the bar never reached 100%');
    assert(await page.locator('#progress-box').isHidden(), 'the progress bar is still shown');
  });

  await check(`the DOM stays under ${MAX_ELEMENTS} elements with ${TOTAL} images`, async () => {
    eq(await page.locator('#shown-count').textContent(), `${TOTAL} of ${TOTAL} images.`, 'count line');
    const n = await page.evaluate(() => document.getElementsByTagName('*').length);
    console.log(`     ${n} elements`);
    assert(n < MAX_ELEMENTS, `${n} elements`);
  });

  /** Waits for the "N of M images" line to read `text` (or, with `prefix`, to start with it); on a timeout says what it showed. */
  async function shownCount(text, { prefix = false, timeout = 10_000 } = {}) {
    try {
      await page.waitForFunction(([text, prefix]) => {
        const t = document.getElementById('shown-count').textContent;
        return prefix ? t.startsWith(text) : t === text;
      }, [text, prefix], { timeout });
    } catch (e) {
      const now = await page.evaluate(() => [document.getElementById('shown-count').textContent, document.getElementById('search').value, document.activeElement?.outerHTML.slice(0, 120)]);
      throw new Error(`waited for ${JSON.stringify(text)}${prefix ? ' (prefix)' : ''}: the line says ${JSON.stringify(now[0])}, the search box ${JSON.stringify(now[1])}, the focus on ${now[2]} (${e.message.split('\n')[0]})`);
    }
  }

  /** The drawn cell at a view position: [id, subset, accessible name], once its pixels are in. */
  const cellAt = (pos) =>
    page.waitForFunction(
      (pos) => {
        const c = document.querySelector(`#grid .cell[data-pos="${pos}"][data-drawn="true"]`);
        return c && [c.querySelector('canvas').dataset.id, c.querySelector('canvas').dataset.subset, c.querySelector('button').getAttribute('aria-label')];
      },
      pos,
      { timeout: 20_000 },
    ).then((h) => h.jsonValue());

  await check('the last image is reachable by scrolling (and drawn), the DOM still bounded', async () => {
    await page.locator('#grid').evaluate((g) => {
      g.scrollTop = g.scrollHeight;
    });
    eq(await cellAt(LAST), [last.id, last.subset, `${last.label}: ${last.id} (${last.subset})`], 'the last cell');
    const n = await page.evaluate(() => document.getElementsByTagName('*').length);
    assert(n < MAX_ELEMENTS, `${n} elements after scrolling`);
    // And back to the top with the keyboard: Ctrl+Home from the last thumbnail.
    await page.locator(`#grid .cell[data-pos="${LAST}"] button`).focus();
    await page.keyboard.press('Control+Home');
    eq(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `${LABELS[labelOf(0)]}: ${idOf(0)} (${SUBSETS[0]})`, 'focus after Ctrl+Home');
  });

  await check('the last image is found by search, and its detail view shows its fields', async () => {
    await page.locator('#search').fill(last.id);
    await shownCount('1 of 60000 images', { prefix: true });
    eq(await cellAt(0), [last.id, last.subset, `${last.label}: ${last.id} (${last.subset})`], 'the one cell');
    await page.locator('#grid .cell[data-pos="0"] button').focus();
    await page.keyboard.press('Enter');
    await page.locator('#detail').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.getElementById('detail-canvas').dataset.drawn === 'true');
    const fields = await page.evaluate(() =>
      Object.fromEntries(['id', 'subset', 'index', 'label', 'parent', 'size', 'position'].map((k) => [k, document.getElementById(`detail-${k}`).textContent])),
    );
    eq(
      fields,
      { id: last.id, subset: last.subset, index: `${PER_SUBSET - 1} in ${last.subset}`, label: `${last.label} (${labelOf(LAST)})`, parent: '—', size: '32 × 32 px', position: '1 of 1' },
      'detail fields',
    );
    eq(await page.evaluate(() => location.hash), `#item=${last.subset}/${last.id}`, 'hash');
    await page.keyboard.press('Escape');
    // The modal dialog makes the rest of the page inert until it hides: typing before that is lost.
    await page.locator('#detail').waitFor({ state: 'hidden' });
    // The dialog's 'close' event (a task after it hides) gives the focus back to the cell it came
    // from; typing before that can land on the cell instead of the search box.
    await page.waitForFunction(() => document.activeElement?.closest('#grid .cell')?.dataset.pos === '0', null, { timeout: 10_000 });
    await page.locator('#search').fill('');
    await shownCount('60000 of 60000 images.');
  });

  await check('Cancel stops a check midway; the dataset is read again, with the filters kept', async () => {
    await page.locator('#subset-filter').selectOption({ label: `test_batch (${PER_SUBSET})` });
    await shownCount(`${PER_SUBSET} of 60000`, { prefix: true, timeout: 30_000 });
    await page.getByRole('button', { name: 'Check labels and duplicates' }).click();
    await page.locator('#progress-box').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Cancel' }).click();
    eq(await page.locator('#status').textContent(), 'Cancelled. Reading cifar-10-python.tar.gz again…', 'status');
    await page.waitForFunction(() => /^Read /.test(document.getElementById('status').textContent), null, { timeout: 240_000 });
    assert(await page.locator('#validation').isHidden(), 'a check result is shown');
    eq(await page.locator('#shown-count').textContent(), `${PER_SUBSET} of 60000 images (subset test_batch).`, 'the filter after reading again');
    await page.locator('#subset-filter').selectOption('-1');
  });

  await check(`"Check labels and duplicates" runs in the worker, no main-thread task ≥ ${LONG_TASK_MS} ms`, async () => {
    const run = await measured(
      () => page.getByRole('button', { name: 'Check labels and duplicates' }).click(),
      () => !document.getElementById('validation').hidden || !document.getElementById('error').hidden,
      240_000,
    );
    assert(await noError(), `error: ${await page.locator('#error').textContent()}`);
    const summary = await page.locator('#validation-summary').textContent();
    assert(summary.startsWith(`${TOTAL} images checked in `), summary);
    console.log(`     check: ${Math.round(run.ms)} ms, longest task ${Math.round(longest(run.tasks))} ms`);
    assert(longest(run.tasks) < LONG_TASK_MS, `a main-thread task of ${Math.round(longest(run.tasks))} ms`);
  });

  await check(`"Export CIFAR (.zip)" runs in the worker (cifar-10-batches-py/ inside), no main-thread task ≥ ${LONG_TASK_MS} ms`, async () => {
    const download = page.waitForEvent('download', { timeout: 240_000 });
    const run = await measured(
      () => page.getByRole('button', { name: 'Export CIFAR (.zip)' }).click(),
      () => /^Saved /.test(document.getElementById('export-status').textContent) || !document.getElementById('error').hidden,
      240_000,
    );
    assert(await noError(), `error: ${await page.locator('#error').textContent()}`);
    const zip = unzipSync(new Uint8Array(await readFile(await (await download).path())));
    eq(Object.keys(zip).sort(), ['batches.meta', ...SUBSETS].map((f) => `cifar-10-batches-py/${f}`).sort(), 'zip entries');
    console.log(`     export: ${Math.round(run.ms)} ms, longest task ${Math.round(longest(run.tasks))} ms`);
    assert(longest(run.tasks) < LONG_TASK_MS, `a main-thread task of ${Math.round(longest(run.tasks))} ms`);
  });

  await check('the screenshot (test-results/viewer.png; docs/viewer.png with --update-screenshot)', async () => {
    await page.locator('#images-title').evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 330));
    await page.waitForFunction(() => [...document.querySelectorAll('#grid .cell')].every((c) => c.dataset.drawn === 'true'), null, { timeout: 20_000 });
    await page.locator('#grid .cell[data-pos="13"] button').click();
    await page.waitForFunction(() => document.getElementById('detail-canvas').dataset.drawn === 'true');
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    if (README_SCREENSHOT) await copyFile(SCREENSHOT, README_SCREENSHOT);
    await page.keyboard.press('Escape');
  });

  await check('no page errors', async () => eq(pageErrors, [], 'page errors'));
  console.log(`Chromium ${browser.version()}`);
} catch (e) {
  harnessFailed(e);
} finally {
  await browser.close();
  server.close();
  await rm(tmp, { recursive: true, force: true });
}
finish();
