/**
 * The project store of `cifarkit project ...`: a project folder holding `.cifarkit/config.json`, a
 * list of sources (path + format), as `datum project` keeps them. Sources are referenced where
 * they are (paths relative to the project), not copied. The config is replaced atomically, so an
 * interrupted command leaves the previous config valid.
 */
import * as nodePath from 'node:path';
import { Dataset, ErrorCode, UsageError, type FormatName, type ImportOptions } from '../index.js';
import { checkFormatName } from '../formats/index.js';
import { makeDir, pathKind, readTextFile, writeFileAtomic } from '../io/node-fs.js';

export const PROJECT_DIR = '.cifarkit';
export const CONFIG_FILE = 'config.json';

export interface ProjectSource {
  name: string;
  /** Relative to the project folder (or absolute). */
  path: string;
  format: string;
}

export interface ProjectConfig {
  version: 1;
  sources: ProjectSource[];
}

function configPath(project: string): string {
  return nodePath.join(project, PROJECT_DIR, CONFIG_FILE);
}

export async function readProject(project: string): Promise<ProjectConfig> {
  const file = configPath(project);
  const text = await readTextFile(file);
  if (text === null) {
    throw new UsageError(ErrorCode.FILE_NOT_FOUND, `no cifarkit project here (run 'cifarkit project create' first)`, { file });
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `the project config is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { file, cause: err });
  }
  if (!isProjectConfig(config)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'the project config is not a cifarkit project config (version 1)', { file });
  return config;
}

/** Whether a parsed config.json has the shape of a version 1 config. */
function isProjectConfig(v: unknown): v is ProjectConfig {
  return isObject(v) && v.version === 1 && Array.isArray(v.sources) && v.sources.every(isProjectSource);
}

function isProjectSource(v: unknown): v is ProjectSource {
  return isObject(v) && typeof v.name === 'string' && typeof v.path === 'string' && typeof v.format === 'string';
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null;
}

async function writeProject(project: string, config: ProjectConfig): Promise<void> {
  await writeFileAtomic(configPath(project), `${JSON.stringify(config, null, 2)}\n`, { overwrite: true });
}

export async function createProject(project: string, overwrite: boolean): Promise<string> {
  const file = configPath(project);
  if ((await pathKind(file)) !== null && !overwrite) {
    throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, 'a project already exists here; pass --overwrite to start over', { file });
  }
  await makeDir(nodePath.join(project, PROJECT_DIR));
  await writeProject(project, { version: 1, sources: [] });
  return file;
}

/** Whether `project` holds a cifarkit project config. */
export async function isProject(project: string): Promise<boolean> {
  return (await pathKind(configPath(project))) === 'file';
}

/**
 * Adds a source. With `check` (the default, as datum without --no-check) it is read first and
 * its format recorded; without, `format` is required. Returns the source and its dataset (null
 * when not read).
 */
export async function importSource(
  project: string,
  path: string,
  format: FormatName | undefined,
  name: string | undefined,
  options: ImportOptions = {},
  check = true,
): Promise<{ source: ProjectSource; dataset: Dataset | null }> {
  const config = await readProject(project);
  const sourceName = name ?? nextSourceName(config);
  if (config.sources.some((s) => s.name === sourceName)) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `the project already has a source named '${sourceName}'`, { file: configPath(project) });
  }
  const dataset = check ? await Dataset.importFrom(path, format, options) : null;
  const rel = nodePath.relative(nodePath.resolve(project), nodePath.resolve(path));
  const source: ProjectSource = { name: sourceName, path: rel === '' ? '.' : rel, format: dataset?.format ?? format ?? '' };
  await writeProject(project, { ...config, sources: [...config.sources, source] });
  return { source, dataset };
}

function nextSourceName(config: ProjectConfig): string {
  for (let n = config.sources.length + 1; ; n++) {
    const name = `source-${n}`;
    if (!config.sources.some((s) => s.name === name)) return name;
  }
}

/**
 * Removes sources by name (the data stays where it is: sources are referenced, not copied).
 * An unknown name fails unless `force`. Returns the names removed.
 */
export async function removeSources(project: string, names: readonly string[], force: boolean): Promise<string[]> {
  const config = await readProject(project);
  const missing = names.filter((n) => !config.sources.some((s) => s.name === n));
  if (missing.length && !force) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `the project has no source named ${missing.map((n) => `'${n}'`).join(', ')} (it has: ${config.sources.map((s) => s.name).join(', ') || 'none'})`, {
      file: configPath(project),
    });
  }
  const removed = config.sources.filter((s) => names.includes(s.name)).map((s) => s.name);
  await writeProject(project, { ...config, sources: config.sources.filter((s) => !names.includes(s.name)) });
  return removed;
}

/** All sources of the project, merged. */
export async function projectDataset(project: string, options: ImportOptions = {}): Promise<{ dataset: Dataset; sources: ProjectSource[] }> {
  const config = await readProject(project);
  if (config.sources.length === 0) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, "the project has no sources yet (use 'cifarkit project import')", { file: configPath(project) });
  }
  const datasets: Dataset[] = [];
  for (const s of config.sources) datasets.push(await Dataset.importFrom(nodePath.resolve(project, s.path), checkFormatName(s.format), options));
  // spread-ok: one dataset per source of the project config
  const dataset = datasets.length === 1 ? datasets[0]! : Dataset.merge(...datasets).dataset;
  return { dataset, sources: config.sources };
}
