// Loads the generated fixture cases from disk with node:fs (Node, and Deno's node: compatibility).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, basename } from 'node:path';

export const GENERATED = new URL('../fixtures/generated/', import.meta.url);

async function collect(dir, prefix, out) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await collect(path, `${prefix}${e.name}/`, out);
    else out[`${prefix}${e.name}`] = new Uint8Array(await readFile(path));
  }
  return out;
}

/** The files below a path (folder) or the single file, keyed by path relative to it. */
export async function filesAt(path) {
  if ((await stat(path)).isFile()) return { [basename(path)]: new Uint8Array(await readFile(path)) };
  return collect(path, '', {});
}

/** Where each in-memory file of a case lives, relative to GENERATED (for fetching it). */
export function sourcePaths(c) {
  const single = !c.inputIsDir;
  return Object.keys(c.files).map((p) => [p, single ? c.input : `${c.input}/${p}`]);
}

/** The Hugging Face parquet fixtures (their `input` is relative to GENERATED too: '../parquet/...'). */
export const PARQUET = new URL('../fixtures/parquet/', import.meta.url);

/** All cases: every <case>.expected.json (generated/, then parquet/), then every entry of bad/errors.json. */
export async function loadCases() {
  const root = GENERATED.pathname;
  const cases = [];
  const expectedFiles = async (dir) => (await readdir(dir)).filter((f) => f.endsWith('.expected.json')).sort().map((f) => join(dir, f));
  for (const file of [...(await expectedFiles(root)), ...(await expectedFiles(PARQUET.pathname))]) {
    const expected = JSON.parse(await readFile(file, 'utf8'));
    const path = join(root, expected.input);
    cases.push({ name: expected.case, expected, input: expected.input, inputIsDir: (await stat(path)).isDirectory(), files: await filesAt(path) });
  }
  const errors = JSON.parse(await readFile(join(root, 'bad', 'errors.json'), 'utf8'));
  for (const e of errors) {
    const path = join(root, e.input);
    cases.push({ name: `bad/${e.case}`, error: { code: e.code, mentions: e.mentions }, input: e.input, inputIsDir: (await stat(path)).isDirectory(), files: await filesAt(path) });
  }
  return cases;
}

export const ARCHIVES = new URL('../fixtures/archives/', import.meta.url);

/** The archive fixtures for test/archive/runtime-cases.mjs (without describeDataset, which the caller adds). */
export async function loadArchiveFixtures() {
  const dir = ARCHIVES.pathname;
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  const archives = {};
  for (const name of (await readdir(dir)).filter((f) => f !== 'generate.py' && f !== 'manifest.json')) {
    archives[name] = new Uint8Array(await readFile(join(dir, name)));
  }
  const expected = {};
  for (const entry of manifest) {
    if (!entry.expected) continue;
    const key = entry.expected.replace(/\.expected\.json$/, '');
    if (!expected[key]) expected[key] = JSON.parse(await readFile(join(GENERATED.pathname, entry.expected), 'utf8'));
  }
  return { archives, manifest, expected };
}
