// The dataset viewer's page script, bundled by scripts/serve-web.mjs (esbuild, platform browser).
// The page's thread only draws: the dataset lives in a Web Worker (web/worker.js, the library's
// public API), which imports, checks and exports it and sends what the page shows: the items'
// ids, labels and subsets as arrays, and the pixels of the thumbnails in view.

const $ = (id) => document.getElementById(id);

/** Nodes in a fragment, appended one by one (never spread into a call: there may be 60,000). */
function fragmentOf(nodes) {
  const fragment = document.createDocumentFragment();
  for (const node of nodes) fragment.append(node);
  return fragment;
}

/** Replaces an element's children by `nodes` (any number of them). */
function setChildren(el, nodes) {
  el.replaceChildren(fragmentOf(nodes));
}
/** Thumbnails: CIFAR's 32 px at 3x. */
const THUMB = 96;
const CELL_W = 108;
const CELL_H = 122;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 2;
/** Duplicate pairs drawn in the check's section; the rest are counted. */
const PAIRS_SHOWN = 24;
const UNLABELLED = -1;

const state = {
  meta: null, // what the worker sent on 'loaded'
  name: '',
  input: null, // what was loaded, to load again after a cancelled check or export
  subset: -1, // -1 = all subsets
  label: 'all', // 'all' or a label index
  query: '',
  sort: 'order',
  view: new Int32Array(0), // item indices shown, in order
  partners: null, // Map item index -> [[partner, distance or -1 for exact]] once checked
  detail: -1, // position in view of the item shown in the detail view, or -1
  pendingHash: null, // '#item=...' to open once a dataset is loaded
};

// ---------- messages ----------

function setStatus(text) {
  $('status').textContent = text;
}

function clearError() {
  const box = $('error');
  box.hidden = true;
  box.replaceChildren();
}

/** Shows an error in the page: a CifarkitError's code and message, or any other error's name and message. */
function showError(context, e) {
  const box = $('error');
  const code = document.createElement('span');
  code.className = 'code';
  code.textContent = e && typeof e.code === 'string' ? e.code : (e?.name ?? 'Error');
  const message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
  box.replaceChildren(document.createTextNode(`${context}: `), code, document.createTextNode(`: ${message}`));
  box.hidden = false;
  setStatus('');
}

window.addEventListener('error', (ev) => showError('Unexpected error', ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => showError('Unexpected error', ev.reason));

// ---------- the worker ----------

let worker = null;
/** What the worker is doing: null, or { kind: 'load'|'validate'|'export', resolve, reject, button }. */
let job = null;
let thumbReq = 0;
const thumbWaiting = new Map(); // req -> indices requested
const itemWaiting = new Map(); // req -> callback

function startWorker() {
  worker = new Worker(new URL('worker.js', location.href), { type: 'module' });
  worker.onmessage = (ev) => onWorkerMessage(ev.data);
  worker.onerror = (ev) => {
    ev.preventDefault();
    finishJob(new Error(ev.message || 'the worker failed'));
  };
}

function onWorkerMessage(m) {
  if (m.type === 'progress') return showProgress(m);
  if (m.type === 'thumbs') return onThumbs(m);
  if (m.type === 'item') {
    const cb = itemWaiting.get(m.req);
    itemWaiting.delete(m.req);
    return cb?.(m);
  }
  // A thumbnail or detail that cannot be drawn is not the job's failure.
  if (m.type === 'error' && (m.of === 'thumbs' || m.of === 'item')) return showError('Could not draw an image', m.error);
  if (m.type === 'error') return finishJob(m.error);
  if (m.type === 'loaded' || m.type === 'validated' || m.type === 'exported') return finishJob(null, m);
}

/** Runs a job in the worker: shows the progress bar and Cancel, disables the other controls. */
function runJob(kind, message, label, button) {
  if (job) return Promise.reject(new Error('busy'));
  clearError();
  $('export-status').textContent = '';
  setBusy(true, label);
  return new Promise((resolve, reject) => {
    job = { kind, resolve, reject, button };
    worker.postMessage(message);
  });
}

function finishJob(error, result) {
  const j = job;
  if (!j) return;
  job = null;
  setBusy(false);
  if (error) j.reject(error);
  else j.resolve(result);
  // The focus stays on the control that was used.
  if (j.button && !j.button.disabled && document.activeElement !== j.button && (document.activeElement === document.body || document.activeElement === $('cancel-button'))) j.button.focus();
}

function setBusy(busy, label = '') {
  for (const id of ['sample-button', 'export-cifar', 'export-imagenet', 'validate-button', 'archive-input', 'folder-input']) $(id).disabled = busy;
  const box = $('progress-box');
  box.hidden = !busy;
  if (busy) {
    $('progress-label').textContent = label;
    $('progress').removeAttribute('value'); // indeterminate until the first report
    $('progress-text').textContent = '';
  }
}

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

function showProgress({ phase, done, total, unit }) {
  if (!job) return;
  const bar = $('progress');
  const known = total > 0;
  if (known) bar.value = Math.min(1000, Math.round((1000 * done) / total));
  else bar.removeAttribute('value');
  const pct = known ? ` (${Math.floor((100 * done) / total)}%)` : '';
  const what =
    unit === 'bytes'
      ? `${phase}: ${mb(done)}${known ? ` of ${mb(total)}` : ''} read${pct}`
      : `${phase}: ${done}${known ? ` of ${total}` : ''} ${unit === 'items' ? 'items decoded' : 'files written'}${pct}`;
  $('progress-text').textContent = what;
  bar.setAttribute('aria-valuetext', what);
}

$('cancel-button').addEventListener('click', () => {
  if (!job) return;
  const j = job;
  worker.terminate();
  startWorker();
  job = null;
  setBusy(false);
  j.reject(Object.assign(new Error('cancelled'), { cancelled: true }));
  if (j.kind === 'load') {
    state.meta = null;
    state.input = null;
    $('dataset').hidden = true;
    setStatus(`Cancelled reading ${state.name}.`);
    (j.button ?? $('archive-input')).focus();
  } else if (state.input) {
    // The worker held the dataset: read it again (the check or export is what was cancelled).
    const { name, input } = state;
    setStatus(`Cancelled. Reading ${name} again…`);
    load(name, input, j.button, true);
  }
});

// ---------- loading ----------

async function load(name, input, button, again = false) {
  if (job) return;
  const started = performance.now();
  state.name = name;
  try {
    const meta = await runJob('load', { type: 'load', input }, `Reading ${name}`, button);
    meta.count = meta.idStart.length - 1;
    state.input = input;
    await nextTask();
    showDataset(meta, again);
    await nextTask();
    updateView();
    setStatus(`Read ${name}: ${meta.count} items in ${Math.round(performance.now() - started)} ms.`);
    openFromHash();
  } catch (e) {
    if (e?.cancelled) return;
    state.meta = null;
    state.input = null;
    $('dataset').hidden = true;
    showError(`Could not read ${name}`, e);
  }
}

/** A name for what was opened: the archive's or folder's name. */
function baseName(files) {
  const first = files[0];
  if (!first) return 'files';
  const rel = first.webkitRelativePath || first.name;
  return rel.includes('/') ? rel.split('/')[0] : files.length === 1 ? first.name : `${files.length} files`;
}

$('archive-input').addEventListener('change', (ev) => {
  const file = ev.target.files?.[0];
  ev.target.value = '';
  if (file) load(file.name, { kind: 'file', file }, ev.target);
});

$('folder-input').addEventListener('change', (ev) => {
  const files = [...(ev.target.files ?? [])];
  ev.target.value = '';
  if (files.length) load(baseName(files), { kind: 'files', files }, ev.target);
});

$('sample-button').addEventListener('click', (ev) =>
  load('cifar10-sample.tar.gz', { kind: 'url', url: new URL('sample/cifar10-sample.tar.gz', location.href).href }, ev.currentTarget),
);

// Drag and drop anywhere on the window: one file is an archive; several files, or a folder, are
// the dataset's files. Without this, a drop outside the box would make the browser open the file.
const zone = $('drop-zone');
window.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  if (ev.dataTransfer) ev.dataTransfer.dropEffect = job ? 'none' : 'copy';
  zone.classList.add('dragging');
});
window.addEventListener('dragleave', (ev) => {
  if (!ev.relatedTarget) zone.classList.remove('dragging');
});
window.addEventListener('drop', async (ev) => {
  ev.preventDefault();
  zone.classList.remove('dragging');
  if (job) return;
  const entries = [...(ev.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.some((e) => e.isDirectory)) {
    const name = entries.map((e) => e.name).join(', ');
    try {
      load(name, { kind: 'files', files: await readEntries(entries) }, null);
    } catch (e) {
      showError(`Could not read ${name}`, e);
    }
    return;
  }
  const files = [...(ev.dataTransfer?.files ?? [])];
  if (files.length === 1) load(files[0].name, { kind: 'file', file: files[0] }, null);
  else if (files.length > 1) load(baseName(files), { kind: 'files', files }, null);
});

/** A dropped folder's files: Map of relative path -> File. */
async function readEntries(entries) {
  const out = new Map();
  const walk = async (entry, prefix) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      out.set(path, await new Promise((res, rej) => entry.file(res, rej)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e, path);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}

// ---------- the dataset ----------

function labelName(index) {
  return index === UNLABELLED ? '(unlabelled)' : (state.meta.labelNames[index]?.name ?? `#${index}`);
}

function showDataset(meta, keepFilters) {
  state.meta = meta;
  state.partners = null;
  thumbCache.clear();
  if (!keepFilters) {
    state.subset = -1;
    state.label = 'all';
    state.query = '';
    state.sort = 'order';
    $('search').value = '';
    $('sort').value = 'order';
  }
  const n = meta.count;
  $('dataset').hidden = false;
  $('dataset').dataset.inflater = meta.inflater;
  $('validation').hidden = true; // a check belongs to the dataset it was run on

  $('info-source').textContent = state.name;
  const parents = new Set(meta.labelNames.map((l) => l.parent).filter(Boolean));
  $('info-format').textContent = (meta.format ?? 'unknown') + (parents.size ? ` (${parents.size} superclasses)` : '');
  $('info-items').textContent = String(n);
  $('info-labels').textContent = String(meta.labelNames.length);
  const perSubset = new Int32Array(meta.subsetNames.length);
  for (let i = 0; i < n; i++) perSubset[meta.subsets[i]]++;
  setChildren(
    $('info-subsets'),
    meta.subsetNames.map((name, s) => {
      const li = document.createElement('li');
      li.dataset.subset = name;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = String(perSubset[s]);
      li.append(`${name}: `, count);
      return li;
    }),
  );

  // ImageNet: with subset folders, or a warning that the subsets are dropped.
  const several = meta.subsetNames.length > 1;
  $('imagenet-subsets').checked = several;
  updateImagenetNote();

  // Histogram over the whole dataset: items per (first) label.
  const counts = new Map(meta.labelNames.map((_, i) => [i, 0]));
  for (let i = 0; i < n; i++) counts.set(meta.labels[i], (counts.get(meta.labels[i]) ?? 0) + 1);
  if (!counts.get(UNLABELLED)) counts.delete(UNLABELLED);
  let max = 1;
  for (const v of counts.values()) if (v > max) max = v;
  setChildren(
    $('histogram').tBodies[0],
    [...counts].map(([label, count]) => {
      const tr = document.createElement('tr');
      tr.dataset.label = labelName(label);
      const name = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link-button';
      b.textContent = labelName(label);
      b.dataset.label = String(label);
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => setLabel(state.label === label ? 'all' : label));
      name.append(b);
      const c = document.createElement('td');
      c.className = 'count';
      c.textContent = String(count);
      const barCell = document.createElement('td');
      barCell.className = 'bar-cell';
      const bar = document.createElement('div');
      bar.className = label === UNLABELLED ? 'bar unlabelled' : 'bar';
      bar.style.width = `${(100 * count) / max}%`;
      bar.setAttribute('aria-hidden', 'true');
      bar.dataset.label = String(label);
      // The bar filters on a click too (the button in the same row is its keyboard equivalent).
      barCell.addEventListener('click', () => {
        setLabel(state.label === label ? 'all' : label);
        b.focus();
      });
      barCell.append(bar);
      tr.append(name, c, barCell);
      return tr;
    }),
  );

  const select = $('subset-filter');
  setChildren(select, [new Option(`all subsets (${n})`, '-1')].concat(meta.subsetNames.map((s, i) => new Option(`${s} (${perSubset[i]})`, String(i)))));
  select.value = String(state.subset);

  // Class chips: made once per dataset; filtering only updates them, so the focus stays put.
  setChildren(
    $('class-filter'),
    ['all', ...counts.keys()].map((value) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.label = String(value);
      b.addEventListener('click', () => setLabel(value));
      return b;
    }),
  );
}

/** Yields to the browser (input, rendering) between two pieces of work. */
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function updateImagenetNote() {
  const meta = state.meta;
  const note = $('export-note');
  const withDirs = $('imagenet-subsets').checked;
  if (meta && meta.subsetNames.length > 1 && !withDirs) {
    note.hidden = false;
    note.textContent = `Note: plain ImageNet has no subsets: the export puts the images of all ${meta.subsetNames.length} subsets (${meta.subsetNames.join(', ')}) in one folder per label. Tick "ImageNet with subset folders" to keep them.`;
  } else {
    note.hidden = true;
    note.textContent = '';
  }
}
$('imagenet-subsets').addEventListener('change', updateImagenetNote);

function setLabel(value) {
  state.label = value;
  updateView();
}

/** An item's id (the worker sends them as one string, see worker.js). */
function idOf(i) {
  const meta = state.meta;
  return meta.idText.slice(meta.idStart[i], meta.idStart[i + 1] - 1);
}

/** Which items' ids contain `q` (lower case): one scan of all the ids' text, 1 = yes. */
function searchIds(q) {
  const meta = state.meta;
  meta.idLower ??= meta.idText.toLowerCase();
  const text = meta.idLower;
  const starts = meta.idStart;
  const hit = new Uint8Array(meta.count);
  let at = text.indexOf(q);
  while (at >= 0) {
    // The item whose id holds `at`: the last start <= at.
    let lo = 0;
    let hi = meta.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    const end = starts[lo + 1] - 1;
    if (at + q.length <= end) {
      hit[lo] = 1;
      at = text.indexOf(q, end + 1); // on to the next id
    } else at = text.indexOf(q, at + 1);
  }
  return hit;
}

/** The item indices that pass the filters, in the chosen order; updates chips, histogram and grid. */
function updateView() {
  const meta = state.meta;
  const order = meta.orders[state.sort];
  const q = state.query.trim().toLowerCase().replace(/\n/g, '');
  const n = order.length;
  const matches = q ? searchIds(q) : null;
  const perLabel = new Map();
  const out = new Int32Array(n);
  let k = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (state.subset >= 0 && meta.subsets[i] !== state.subset) continue;
    if (matches && !matches[i]) continue;
    const l = meta.labels[i];
    perLabel.set(l, (perLabel.get(l) ?? 0) + 1);
    if (state.label !== 'all' && l !== state.label) continue;
    out[k++] = i;
  }
  state.view = out.subarray(0, k);
  let total = 0;
  for (const v of perLabel.values()) total += v;
  for (const b of $('class-filter').children) {
    const value = b.dataset.label === 'all' ? 'all' : Number(b.dataset.label);
    b.textContent = value === 'all' ? `all (${total})` : `${labelName(value)} (${perLabel.get(value) ?? 0})`;
    b.setAttribute('aria-pressed', String(value === state.label));
  }
  for (const b of $('histogram').querySelectorAll('button[data-label]')) b.setAttribute('aria-pressed', String(Number(b.dataset.label) === state.label));
  const filters = [
    state.subset >= 0 ? `subset ${meta.subsetNames[state.subset]}` : '',
    state.label !== 'all' ? `label ${labelName(state.label)}` : '',
    q ? `id containing "${state.query.trim()}"` : '',
  ].filter(Boolean);
  $('shown-count').textContent = `${k} of ${meta.count} images${filters.length ? ` (${filters.join(', ')})` : ''}.`;
  gridFocus = Math.min(gridFocus, Math.max(0, k - 1));
  $('grid').scrollTop = 0;
  renderGrid(true);
}

$('subset-filter').addEventListener('change', (ev) => {
  state.subset = Number(ev.target.value);
  updateView();
});
let searchTimer = 0;
$('search').addEventListener('input', (ev) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    state.query = ev.target.value;
    updateView();
  }, 120);
});
$('sort').addEventListener('change', (ev) => {
  state.sort = ev.target.value;
  updateView();
});

// ---------- the virtualized grid ----------

const grid = $('grid');
const sizer = $('grid-sizer');
/** Cells drawn now: position in view -> element. */
const cells = new Map();
/** RGBA thumbnails received (item index -> ImageData), the most recent few thousand. */
const thumbCache = new Map();
const THUMB_CACHE = 4000;
/** Position (in view) of the thumbnail that has, or last had, the focus. */
let gridFocus = 0;

function columns() {
  return Math.max(1, Math.floor((grid.clientWidth - 8) / CELL_W));
}

let renderQueued = false;
grid.addEventListener('scroll', () => {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderGrid(false);
  });
});
new ResizeObserver(() => state.meta && renderGrid(true)).observe(grid);

function renderGrid(reset) {
  if (!state.meta) return;
  const view = state.view;
  const cols = columns();
  const rows = Math.ceil(view.length / cols);
  sizer.style.height = `${rows * CELL_H}px`;
  if (reset) {
    for (const [pos, el] of cells) if (!el.contains(document.activeElement)) (el.remove(), cells.delete(pos));
    for (const [pos, el] of cells) {
      // The focused cell survives a reset only if it still shows the same item.
      if (view[pos] !== Number(el.dataset.index)) {
        el.remove();
        cells.delete(pos);
      }
    }
  }
  const first = Math.max(0, Math.floor(grid.scrollTop / CELL_H) - OVERSCAN);
  const last = Math.min(rows - 1, Math.ceil((grid.scrollTop + grid.clientHeight) / CELL_H) + OVERSCAN);
  const from = first * cols;
  const to = Math.min(view.length, (last + 1) * cols);
  for (const [pos, el] of cells) {
    if ((pos < from || pos >= to) && !el.contains(document.activeElement)) {
      el.remove();
      cells.delete(pos);
    }
  }
  const want = [];
  for (let pos = from; pos < to; pos++) {
    let el = cells.get(pos);
    if (!el) {
      el = makeCell(pos, view[pos]);
      cells.set(pos, el);
      grid.append(el);
    }
    el.style.transform = `translate(${(pos % cols) * CELL_W}px, ${Math.floor(pos / cols) * CELL_H}px)`;
    const btn = el.firstChild;
    btn.tabIndex = pos === gridFocus ? 0 : -1;
    if (el.dataset.drawn !== 'true' && !drawCell(el)) want.push(view[pos]);
  }
  // The focused cell, when it is out of range, keeps its place and roving tabindex.
  const focusEl = cells.get(gridFocus);
  if (focusEl) focusEl.firstChild.tabIndex = 0;
  else if (cells.size) [...cells.values()][0].firstChild.tabIndex = 0;
  if (want.length) requestThumbs(want);
}

function makeCell(pos, index) {
  const meta = state.meta;
  const el = document.createElement('div');
  el.className = 'cell';
  el.setAttribute('role', 'listitem');
  el.setAttribute('aria-setsize', String(state.view.length));
  el.setAttribute('aria-posinset', String(pos + 1));
  el.dataset.index = String(index);
  el.dataset.pos = String(pos);
  const id = idOf(index);
  const subset = meta.subsetNames[meta.subsets[index]];
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'thumb';
  btn.setAttribute('aria-label', `${labelName(meta.labels[index])}: ${id} (${subset})`);
  btn.title = `${id} (${subset}), ${labelName(meta.labels[index])}`;
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 32;
  canvas.dataset.id = id;
  canvas.dataset.subset = subset;
  canvas.setAttribute('aria-hidden', 'true');
  const cap = document.createElement('span');
  cap.className = 'cap';
  cap.textContent = id;
  cap.setAttribute('aria-hidden', 'true');
  btn.append(canvas, cap);
  el.append(btn);
  return el;
}

/** Draws a cell's thumbnail from the cache; false when its pixels have not arrived yet. */
function drawCell(el) {
  const index = Number(el.dataset.index);
  const img = thumbCache.get(index);
  if (img === undefined) return false;
  const canvas = el.querySelector('canvas');
  if (img === null) canvas.classList.add('no-image');
  else canvas.getContext('2d').putImageData(img, 0, 0);
  el.dataset.drawn = 'true';
  return true;
}

function requestThumbs(indices) {
  const req = ++thumbReq;
  const list = Int32Array.from(indices);
  thumbWaiting.set(req, list);
  worker.postMessage({ type: 'thumbs', req, indices: list });
}

function onThumbs({ req, indices, rgba, has }) {
  thumbWaiting.delete(req);
  if (!state.meta) return;
  const size = 32 * 32 * 4;
  const arrived = new Map();
  for (let k = 0; k < indices.length; k++) {
    const img = has[k] ? new ImageData(rgba.slice(k * size, (k + 1) * size), 32, 32) : null;
    arrived.set(indices[k], img);
    // Deleted first, so that a thumbnail cached before moves to the newest end (Map keeps insertion order).
    thumbCache.delete(indices[k]);
    thumbCache.set(indices[k], img);
  }
  while (thumbCache.size > THUMB_CACHE) thumbCache.delete(thumbCache.keys().next().value);
  for (const el of cells.values()) if (el.dataset.drawn !== 'true') drawCell(el);
  // The duplicate pairs' images: from what just arrived, which the cache may already have let go.
  for (const fig of document.querySelectorAll('#validation-pairs canvas:not([data-drawn])')) {
    const index = Number(fig.dataset.index);
    const img = arrived.has(index) ? arrived.get(index) : thumbCache.get(index);
    if (img) {
      fig.getContext('2d').putImageData(img, 0, 0);
      fig.dataset.drawn = 'true';
    }
  }
}

/** Moves the focus to the thumbnail at `pos` (scrolling it into view). */
function focusPos(pos) {
  const n = state.view.length;
  if (n === 0) return;
  gridFocus = Math.max(0, Math.min(n - 1, pos));
  const cols = columns();
  const top = Math.floor(gridFocus / cols) * CELL_H;
  if (top < grid.scrollTop) grid.scrollTop = top;
  else if (top + CELL_H > grid.scrollTop + grid.clientHeight) grid.scrollTop = top + CELL_H - grid.clientHeight;
  renderGrid(false);
  cells.get(gridFocus)?.firstChild.focus({ preventScroll: true });
}

grid.addEventListener('keydown', (ev) => {
  const btn = ev.target.closest?.('button.thumb');
  if (!btn) return;
  const pos = Number(btn.parentElement.dataset.pos);
  const cols = columns();
  const page = Math.max(1, Math.floor(grid.clientHeight / CELL_H)) * cols;
  const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, PageDown: page, PageUp: -page };
  if (ev.key in moves) focusPos(pos + moves[ev.key]);
  else if (ev.key === 'Home') focusPos(ev.ctrlKey ? 0 : pos - (pos % cols));
  else if (ev.key === 'End') focusPos(ev.ctrlKey ? state.view.length - 1 : Math.min(state.view.length - 1, pos - (pos % cols) + cols - 1));
  else return;
  ev.preventDefault();
});

grid.addEventListener('click', (ev) => {
  const btn = ev.target.closest?.('button.thumb');
  if (!btn) return;
  gridFocus = Number(btn.parentElement.dataset.pos);
  openDetail(gridFocus);
});
grid.addEventListener('focusin', (ev) => {
  const btn = ev.target.closest?.('button.thumb');
  if (btn) gridFocus = Number(btn.parentElement.dataset.pos);
});

// ---------- the detail view ----------

const dialog = $('detail');

function itemHash(index) {
  const meta = state.meta;
  return `#item=${encodeURIComponent(meta.subsetNames[meta.subsets[index]])}/${encodeURIComponent(idOf(index))}`;
}

function openDetail(pos) {
  const meta = state.meta;
  const index = state.view[pos];
  if (index === undefined) return;
  state.detail = pos;
  const id = idOf(index);
  const subset = meta.subsetNames[meta.subsets[index]];
  const label = meta.labels[index];
  $('detail-title').textContent = `${labelName(label)}: ${id}`;
  $('detail-id').textContent = id;
  $('detail-subset').textContent = subset;
  $('detail-index').textContent = `${meta.indexInSubset[index]} in ${subset}`;
  $('detail-label').textContent = label === UNLABELLED ? '(unlabelled)' : `${labelName(label)} (${label})`;
  $('detail-parent').textContent = label === UNLABELLED ? '—' : meta.labelNames[label]?.parent || '—';
  $('detail-size').textContent = meta.widths[index] ? `${meta.widths[index]} × ${meta.heights[index]} px` : 'no image';
  $('detail-position').textContent = `${pos + 1} of ${state.view.length}`;
  $('detail-prev').disabled = pos === 0;
  $('detail-next').disabled = pos === state.view.length - 1;
  const hash = itemHash(index);
  $('detail-link').href = hash;
  history.replaceState(null, '', hash);
  showPartners(index);
  const canvas = $('detail-canvas');
  canvas.setAttribute('aria-label', `${labelName(label)}: ${id}, enlarged`);
  delete canvas.dataset.drawn;
  const req = ++thumbReq;
  itemWaiting.set(req, (m) => {
    if (state.detail !== pos || state.view[pos] !== m.index) return;
    canvas.width = Math.max(1, m.width);
    canvas.height = Math.max(1, m.height);
    // 8x, at most 512 CSS pixels on the longer side.
    const scale = Math.min(8, 512 / Math.max(1, m.width, m.height));
    canvas.style.width = `${Math.round(m.width * scale)}px`;
    canvas.style.height = `${Math.round(m.height * scale)}px`;
    if (m.rgba) canvas.getContext('2d').putImageData(new ImageData(m.rgba, m.width, m.height), 0, 0);
    canvas.dataset.drawn = 'true';
  });
  worker.postMessage({ type: 'item', req, index });
  if (!dialog.open) dialog.showModal();
}

function showPartners(index) {
  const dd = $('detail-duplicates');
  if (!state.partners) {
    dd.textContent = 'not checked (use "Check labels and duplicates")';
    return;
  }
  const list = state.partners.get(index) ?? [];
  if (list.length === 0) {
    dd.textContent = 'none found';
    return;
  }
  const meta = state.meta;
  const ul = document.createElement('ul');
  ul.className = 'partners';
  for (const [other, distance] of list) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = itemHash(other);
    a.textContent = `${idOf(other)} (${meta.subsetNames[meta.subsets[other]]})`;
    li.append(a, distance < 0 ? ': exact copy' : `: distance ${distance}`);
    ul.append(li);
  }
  dd.replaceChildren(ul);
}

function closeDetail() {
  if (dialog.open) dialog.close();
}

dialog.addEventListener('close', () => {
  const pos = state.detail;
  state.detail = -1;
  history.replaceState(null, '', location.pathname + location.search);
  if (pos >= 0) focusPos(pos);
});
dialog.addEventListener('keydown', (ev) => {
  if (ev.key === 'ArrowRight' && state.detail < state.view.length - 1) openDetail(state.detail + 1);
  else if (ev.key === 'ArrowLeft' && state.detail > 0) openDetail(state.detail - 1);
  else return;
  ev.preventDefault();
});
$('detail-prev').addEventListener('click', () => state.detail > 0 && openDetail(state.detail - 1));
$('detail-next').addEventListener('click', () => state.detail < state.view.length - 1 && openDetail(state.detail + 1));
$('detail-close').addEventListener('click', closeDetail);
// The partner links and "Link to this image" are hash links: follow them inside the page.
window.addEventListener('hashchange', () => openFromHash());

/** Opens the item the URL's hash names (#item=<subset>/<id>), once a dataset that has it is loaded. */
function openFromHash() {
  const m = /^#item=([^/]*)\/(.*)$/.exec(location.hash);
  if (!m) return;
  const subset = decodeURIComponent(m[1]);
  const id = decodeURIComponent(m[2]);
  if (!state.meta) {
    setStatus(`Load the dataset to see ${id} (${subset}).`);
    return;
  }
  const meta = state.meta;
  const s = meta.subsetNames.indexOf(subset);
  let index = -1;
  for (let i = 0; i < meta.count; i++) {
    if (meta.subsets[i] === s && idOf(i) === id) {
      index = i;
      break;
    }
  }
  if (index < 0) {
    setStatus(`${id} (${subset}) is not in ${state.name}.`);
    return;
  }
  let pos = state.view.indexOf(index);
  if (pos < 0) {
    // Not shown by the filters: show everything, then find it.
    state.subset = -1;
    state.label = 'all';
    state.query = '';
    $('search').value = '';
    $('subset-filter').value = '-1';
    updateView();
    pos = state.view.indexOf(index);
  }
  gridFocus = pos;
  openDetail(pos);
}

// ---------- the check (validate) ----------

$('validate-button').addEventListener('click', async (ev) => {
  if (!state.meta || job) return;
  const button = ev.currentTarget;
  let r;
  try {
    r = await runJob('validate', { type: 'validate' }, 'Checking labels and duplicates', button);
  } catch (e) {
    if (!e?.cancelled) showError('Could not check the dataset', e);
    return;
  }
  const meta = state.meta;
  const { summary, labels, pairs } = r;
  state.partners = new Map();
  const add = (a, b, d) => {
    if (!state.partners.has(a)) state.partners.set(a, []);
    state.partners.get(a).push([b, d]);
  };
  const count = pairs.length / 3;
  for (let k = 0; k < count; k++) {
    add(pairs[k * 3], pairs[k * 3 + 1], pairs[k * 3 + 2]);
    add(pairs[k * 3 + 1], pairs[k * 3], pairs[k * 3 + 2]);
  }
  $('validation').hidden = false;
  $('validation-summary').textContent =
    `${summary.images} images checked in ${r.ms} ms: ${summary.errors} label errors, ${summary.warnings} warnings; ` +
    `${summary.exactDuplicates} exact and ${summary.nearDuplicates} near-duplicate pairs (pHash distance ≤ ${summary.threshold}), ` +
    `${summary.acrossSubsets} of them across subsets.`;
  setChildren(
    $('validation-labels'),
    labels.map((f) => {
      const li = document.createElement('li');
      li.dataset.type = f.type;
      const tag = document.createElement('span');
      tag.className = `severity ${f.severity}`;
      tag.textContent = f.severity;
      li.append(tag, ` ${f.type}: ${f.description}`);
      return li;
    }),
  );
  const want = [];
  const shown = Math.min(count, PAIRS_SHOWN);
  const lis = [];
  for (let k = 0; k < shown; k++) {
    const li = document.createElement('li');
    const a = pairs[k * 3];
    const b = pairs[k * 3 + 1];
    const key = (i) => `${meta.subsetNames[meta.subsets[i]]}/${idOf(i)}`;
    li.dataset.a = key(a);
    li.dataset.b = key(b);
    for (const i of [a, b]) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = 32;
      canvas.height = 32;
      canvas.dataset.index = String(i);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${idOf(i)} (${meta.subsetNames[meta.subsets[i]]})`);
      const cap = document.createElement('figcaption');
      const link = document.createElement('a');
      link.href = itemHash(i);
      link.textContent = `${idOf(i)} (${meta.subsetNames[meta.subsets[i]]})`;
      cap.append(link);
      fig.append(canvas, cap);
      li.append(fig);
      want.push(i);
    }
    const what = document.createElement('p');
    what.textContent = pairs[k * 3 + 2] < 0 ? 'exact copy' : `distance ${pairs[k * 3 + 2]}`;
    li.append(what);
    lis.push(li);
  }
  setChildren($('validation-pairs'), lis);
  if (want.length) requestThumbs(want);
  const more = count - PAIRS_SHOWN;
  $('validation-more').hidden = more <= 0;
  $('validation-more').textContent = more > 0 ? `and ${more} more pairs (open an image to see its duplicates; cifarkit validate --report writes them all)` : '';
  setStatus(`Checked ${state.name}.`);
});

// ---------- export ----------

async function exportZip(kind, button) {
  if (!state.meta || job) return;
  const format = kind === 'cifar' ? 'cifar' : $('imagenet-subsets').checked ? 'imagenet_with_subset_dirs' : 'imagenet';
  const stem = state.name.replace(/\.(tar\.gz|tgz|tar|zip)$/i, '').replace(/[^\w.-]+/g, '_') || 'dataset';
  const name = `${stem}-${kind}.zip`;
  let r;
  try {
    r = await runJob('export', { type: 'export', format, name }, `Exporting ${format}`, button);
  } catch (e) {
    if (!e?.cancelled) showError(`Could not export ${format}`, e);
    return;
  }
  // The worker made the object URL (and revokes it).
  const a = document.createElement('a');
  a.href = r.url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The confirmation goes next to the buttons.
  $('export-status').textContent = `Saved ${name}: ${r.files} files${r.top ? ` in ${r.top}` : ''}, ${mb(r.bytes)} (${format}).`;
}

$('export-cifar').addEventListener('click', (ev) => exportZip('cifar', ev.currentTarget));
$('export-imagenet').addEventListener('click', (ev) => exportZip('imagenet', ev.currentTarget));

// ---------- start ----------

startWorker();
if (location.hash.startsWith('#item=')) openFromHash();
document.documentElement.dataset.ready = 'true';
