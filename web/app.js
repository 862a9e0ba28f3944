// The dataset viewer's script, bundled by scripts/serve-web.mjs (esbuild, platform browser):
// 'cifarkit' resolves through the package's exports map to dist/browser.js.
import { Dataset } from 'cifarkit';
import { zipSync } from 'fflate';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
/** Images shown per class before "Show more" (?perClass=N). */
const PER_CLASS = Math.max(1, Number.parseInt(params.get('perClass') ?? '', 10) || 12);
/** Thumbnails are at most this many CSS pixels on their longer side (CIFAR's 32 px: 3x). */
const THUMB = 96;
const UNLABELLED = -1;

const state = {
  ds: null,
  name: '',
  subset: '', // '' = all subsets
  label: 'all', // 'all' or a label index
  groups: new Map(), // label index -> items (by first label), for the selected subset
};

// ---------- messages ----------

/** Nodes as one fragment: never `el.append(...nodes)`, which passes one argument per node (a RangeError past ~120k). */
function fragmentOf(nodes) {
  const fragment = document.createDocumentFragment();
  for (const node of nodes) fragment.append(node);
  return fragment;
}

/** Replaces an element's children by `nodes` (any number of them). */
function setChildren(el, nodes) {
  el.replaceChildren(fragmentOf(nodes));
}

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
  console.error(e);
  const box = $('error');
  const code = document.createElement('span');
  code.className = 'code';
  code.textContent = e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : (e?.name ?? 'Error');
  const message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
  box.replaceChildren(document.createTextNode(`${context}: `), code, document.createTextNode(`: ${message}`));
  box.hidden = false;
  setStatus('');
}

window.addEventListener('error', (ev) => showError('Unexpected error', ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => showError('Unexpected error', ev.reason));

// ---------- loading ----------

let busy = false;
async function load(name, getInput) {
  if (busy) return;
  busy = true;
  clearError();
  setButtons(true);
  setStatus(`Reading ${name}…`);
  const started = performance.now();
  try {
    const input = await getInput();
    const ds = await Dataset.importFrom(input);
    state.ds = ds;
    state.name = name;
    state.subset = '';
    state.label = 'all';
    renderDataset();
    setStatus(`Read ${name}: ${ds.size} items in ${Math.round(performance.now() - started)} ms.`);
  } catch (e) {
    state.ds = null;
    $('dataset').hidden = true;
    showError(`Could not read ${name}`, e);
  } finally {
    busy = false;
    setButtons(false);
  }
}

function setButtons(disabled) {
  for (const id of ['sample-button', 'export-cifar', 'export-imagenet', 'validate-button', 'archive-input', 'folder-input']) $(id).disabled = disabled;
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
  if (file) load(file.name, () => file);
});

$('folder-input').addEventListener('change', (ev) => {
  const files = [...(ev.target.files ?? [])];
  ev.target.value = '';
  if (files.length) load(baseName(files), () => files);
});

$('sample-button').addEventListener('click', () =>
  load('cifar10-sample.tar.gz', async () => {
    const res = await fetch(new URL('sample/cifar10-sample.tar.gz', location.href));
    if (!res.ok) throw new Error(`fetching the sample failed: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }),
);

// Drag and drop: one file is an archive; several files, or a folder, are the dataset's files.
const zone = $('drop-zone');
zone.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  zone.classList.add('dragging');
});
zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
zone.addEventListener('drop', (ev) => {
  ev.preventDefault();
  zone.classList.remove('dragging');
  const entries = [...(ev.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.some((e) => e.isDirectory)) {
    load(entries.map((e) => e.name).join(', '), () => readEntries(entries));
    return;
  }
  const files = [...(ev.dataTransfer?.files ?? [])];
  if (files.length === 1) load(files[0].name, () => files[0]);
  else if (files.length > 1) load(baseName(files), () => files);
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

// ---------- rendering ----------

function labelName(index) {
  return index === UNLABELLED ? '(unlabelled)' : (state.ds.labels.items[index]?.name ?? `#${index}`);
}

function labelsOf(item) {
  return item.annotations.filter((a) => a.type === 'label').map((a) => a.label);
}

function renderDataset() {
  const ds = state.ds;
  $('dataset').hidden = false;
  $('validation').hidden = true; // a check belongs to the dataset it was run on

  // Info
  $('info-source').textContent = state.name;
  const parents = new Set(ds.labels.items.map((l) => l.parent).filter(Boolean));
  $('info-format').textContent = (ds.format ?? 'unknown') + (parents.size ? ` (${parents.size} superclasses)` : '');
  $('info-items').textContent = String(ds.size);
  $('info-labels').textContent = String(ds.labels.items.length);
  const subsets = ds.subsets();
  setChildren($('info-subsets'), subsets.map((name) => {
      const li = document.createElement('li');
      li.dataset.subset = name;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = String(ds.getSubset(name).length);
      li.append(`${name}: `, count);
      return li;
    }),
  );

  // Histogram over the whole dataset: items per label (an item with several labels counts once per label).
  const counts = new Map(ds.labels.items.map((_, i) => [i, 0]));
  let unlabelled = 0;
  for (const item of ds) {
    const ls = new Set(labelsOf(item));
    if (ls.size === 0) unlabelled++;
    for (const l of ls) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  if (unlabelled) counts.set(UNLABELLED, unlabelled);
  const max = [...counts.values()].reduce((a, b) => Math.max(a, b), 1);
  setChildren($('histogram').tBodies[0], [...counts].map(([label, n]) => {
      const tr = document.createElement('tr');
      tr.dataset.label = labelName(label);
      const name = document.createElement('td');
      name.textContent = labelName(label);
      const count = document.createElement('td');
      count.className = 'count';
      count.textContent = String(n);
      const barCell = document.createElement('td');
      barCell.className = 'bar-cell';
      const bar = document.createElement('div');
      bar.className = label === UNLABELLED ? 'bar unlabelled' : 'bar';
      bar.style.width = `${(100 * n) / max}%`;
      bar.setAttribute('aria-hidden', 'true');
      barCell.append(bar);
      tr.append(name, count, barCell);
      return tr;
    }),
  );

  // Subset select
  const select = $('subset-filter');
  setChildren(select, [new Option(`all subsets (${ds.size})`, ''), ...subsets.map((s) => new Option(`${s} (${ds.getSubset(s).length})`, s))]);
  select.value = state.subset;

  renderImages();
}

/** Groups the selected subset's items by their first label. */
function groupItems() {
  const ds = state.ds;
  const groups = new Map(ds.labels.items.map((_, i) => [i, []]));
  const items = state.subset ? ds.getSubset(state.subset) : ds;
  for (const item of items) {
    const label = labelsOf(item)[0] ?? UNLABELLED;
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(item);
  }
  for (const [k, v] of groups) if (v.length === 0) groups.delete(k);
  state.groups = groups;
}

function renderChips() {
  const chip = (value, text) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.dataset.label = String(value);
    b.setAttribute('aria-pressed', String(String(state.label) === String(value)));
    b.addEventListener('click', () => {
      state.label = value;
      renderImages();
    });
    return b;
  };
  const total = [...state.groups.values()].reduce((n, g) => n + g.length, 0);
  setChildren($('class-filter'), [chip('all', `all (${total})`), ...[...state.groups].map(([label, items]) => chip(label, `${labelName(label)} (${items.length})`))]);
}

function renderImages() {
  groupItems();
  if (state.label !== 'all' && !state.groups.has(state.label)) state.label = 'all';
  renderChips();
  const shown = state.label === 'all' ? [...state.groups.keys()] : [state.label];
  setChildren($('grid'), shown.map((label) => classGroup(label, state.groups.get(label))));
}

function classGroup(label, items) {
  const section = document.createElement('section');
  section.className = 'class-group';
  section.dataset.label = labelName(label);
  const h = document.createElement('h4');
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = ` (${items.length})`;
  h.append(labelName(label), count);
  const list = document.createElement('ul');
  list.className = 'thumbs';
  list.setAttribute('aria-label', `${labelName(label)} images`);
  section.append(h, list);
  let shown = 0;
  const more = document.createElement('button');
  more.type = 'button';
  more.className = 'show-more';
  more.setAttribute('aria-label', `Show more ${labelName(label)} images`);
  const showMore = () => {
    const next = items.slice(shown, shown + PER_CLASS);
    list.append(fragmentOf(next.map(thumbnail)));
    shown += next.length;
    const left = items.length - shown;
    more.textContent = `Show ${Math.min(left, PER_CLASS)} more (${left} left)`;
    more.hidden = left === 0;
  };
  more.addEventListener('click', showMore);
  showMore();
  section.append(more);
  return section;
}

/** A canvas showing an image at the thumbnail scale (or a "no image" box). */
function imageCanvas(media, title) {
  if (!media || media.width === 0 || media.height === 0) {
    const div = document.createElement('div');
    div.className = 'no-image';
    div.textContent = 'no image';
    div.title = title;
    return div;
  }
  const canvas = document.createElement('canvas');
  canvas.width = media.width;
  canvas.height = media.height;
  const scale = Math.max(media.width, media.height) <= THUMB / 3 ? 3 : THUMB / Math.max(media.width, media.height);
  canvas.style.width = `${Math.round(media.width * scale)}px`;
  canvas.style.height = `${Math.round(media.height * scale)}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  canvas.title = title;
  canvas.getContext('2d').putImageData(media.toImageData(), 0, 0);
  return canvas;
}

function thumbnail(item) {
  const li = document.createElement('li');
  const fig = document.createElement('figure');
  const node = imageCanvas(item.media, `${item.id} (${item.subset})`);
  node.dataset.id = item.id;
  if (node instanceof HTMLCanvasElement) node.dataset.subset = item.subset;
  const cap = document.createElement('figcaption');
  cap.textContent = item.id;
  fig.append(node, cap);
  li.append(fig);
  return li;
}

$('subset-filter').addEventListener('change', (ev) => {
  state.subset = ev.target.value;
  renderImages();
});

// ---------- export ----------

async function exportZip(format, button) {
  if (!state.ds || busy) return;
  busy = true;
  clearError();
  setButtons(true);
  setStatus(`Exporting ${format}…`);
  try {
    const files = await state.ds.exportToFiles(format, { saveMedia: true, imageExt: '.png' });
    const zip = zipSync(Object.fromEntries(files), { level: 6 });
    const stem = state.name.replace(/\.(tar\.gz|tgz|tar|zip)$/i, '').replace(/[^\w.-]+/g, '_') || 'dataset';
    const name = `${stem}-${format}.zip`;
    const url = URL.createObjectURL(new Blob([zip], { type: 'application/zip' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setStatus(`Exported ${files.size} files as ${name} (${zip.length} bytes).`);
  } catch (e) {
    showError(`Could not export ${format}`, e);
  } finally {
    busy = false;
    setButtons(false);
    button.focus();
  }
}

// ---------- check: labels and duplicates (ds.validate) ----------

/** Pairs drawn side by side; the rest are counted. */
const PAIRS_SHOWN = 24;

function runValidation() {
  if (!state.ds || busy) return;
  clearError();
  const started = performance.now();
  let report;
  try {
    report = state.ds.validate();
  } catch (e) {
    showError('Could not check the dataset', e);
    return;
  }
  const ms = Math.round(performance.now() - started);
  const { summary, labels, duplicates } = report;
  $('validation').hidden = false;
  $('validation-summary').textContent =
    `${summary.images} images checked in ${ms} ms: ${summary.errors} label errors, ${summary.warnings} warnings; ` +
    `${summary.exactDuplicates} exact and ${summary.nearDuplicates} near-duplicate pairs (pHash distance ≤ ${summary.threshold}), ` +
    `${summary.acrossSubsets} of them across subsets.`;
  setChildren($('validation-labels'), labels.map((f) => {
      const li = document.createElement('li');
      li.dataset.type = f.type;
      const tag = document.createElement('span');
      tag.className = `severity ${f.severity}`;
      tag.textContent = f.severity;
      li.append(tag, ` ${f.type}: ${f.description}`);
      return li;
    }),
  );
  setChildren($('validation-pairs'), duplicates.slice(0, PAIRS_SHOWN).map((pair) => {
      const li = document.createElement('li');
      li.dataset.a = `${pair.a.subset}/${pair.a.id}`;
      li.dataset.b = `${pair.b.subset}/${pair.b.id}`;
      for (const key of [pair.a, pair.b]) {
        const item = state.ds.get(key.id, key.subset);
        const fig = document.createElement('figure');
        const cap = document.createElement('figcaption');
        cap.textContent = `${key.id} (${key.subset})`;
        fig.append(imageCanvas(item?.media, `${key.id} (${key.subset})`), cap);
        li.append(fig);
      }
      const what = document.createElement('p');
      what.textContent = pair.exact ? 'exact copy' : `distance ${pair.distance}`;
      li.append(what);
      return li;
    }),
  );
  const more = duplicates.length - PAIRS_SHOWN;
  $('validation-more').hidden = more <= 0;
  $('validation-more').textContent = more > 0 ? `and ${more} more pairs (cifarkit validate --report writes them all)` : '';
  setStatus(`Checked ${state.name}.`);
}

$('validate-button').addEventListener('click', runValidation);
$('export-cifar').addEventListener('click', (ev) => exportZip('cifar', ev.currentTarget));
$('export-imagenet').addEventListener('click', (ev) => exportZip('imagenet', ev.currentTarget));

document.documentElement.dataset.ready = 'true';
