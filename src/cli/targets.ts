/**
 * Where commands read from and write to: dataset targets (a path, `<path>:<format>`, or a
 * project), output folders checked before any work, datum's generated output names, and
 * exporting with a progress bar.
 */
import { readdir } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Dataset, ErrorCode, UsageError, type ExportOptions, type FormatName, type ImportOptions } from '../index.js';
import { pathKind } from '../io/node-fs.js';
import { checkFormatName } from '../formats/index.js';
import type { Context } from './command.js';
import { CliUsageError, progress, type CliExportOptions } from './common.js';
import { parseTarget } from './options.js';
import { isProject, projectDataset, readProject } from './project-store.js';

/**
 * A dataset to read: a path in a given (or detected) format, the project at a folder, or a path
 * that is a project if it holds one and a dataset otherwise (datum's revpath, without revisions).
 */
export type Target =
  | { kind: 'path'; path: string; format: FormatName | undefined }
  | { kind: 'project'; dir: string }
  | { kind: 'auto'; path: string };

/**
 * The target of a command from its positional (`<path>[:<format>]`, checked here) or, when
 * omitted, the project at -p/--project (default: the current folder), as datum's `project`.
 */
export function targetOf(spec: string | undefined, projectDir: string | undefined, what = 'target'): Target {
  if (spec === undefined) return { kind: 'project', dir: projectDir ?? '.' };
  const { path, format } = parseTarget(spec, what);
  return format === undefined ? { kind: 'auto', path } : { kind: 'path', path, format };
}

/** The arguments that name a command's dataset (each command declares those it takes). */
export interface TargetArgs {
  readonly target: string | undefined;
  readonly 'input-path'?: string | undefined;
  readonly 'input-format'?: FormatName | undefined;
  readonly project?: string | undefined;
}

/**
 * A command's target from its `target` positional, its -if/--input-format (a cifarkit extra,
 * the same as `<path>:<format>`) and -p/--project.
 */
export function targetFromArgs(a: TargetArgs): Target {
  let spec = a.target;
  // filter and transform also take the dataset as -i/--input-path (cifarkit's earlier spelling).
  if (a['input-path'] !== undefined) {
    if (spec !== undefined) throw new CliUsageError(`give the dataset once: '${spec}' or -i/--input-path ${a['input-path']}`);
    spec = a['input-path'];
  }
  const t = targetOf(spec, a.project);
  const format = a['input-format'];
  if (format === undefined) return t;
  if (t.kind === 'project') throw new CliUsageError('-if/--input-format needs a dataset path (a project knows the formats of its sources)');
  if (t.kind === 'path' && t.format !== format) throw new CliUsageError(`'${t.path}:${t.format}' and -if ${format} name two formats`);
  return { kind: 'path', path: t.path, format };
}

/**
 * Where a command without -o writes: the dataset folder itself (datum saves in place; the
 * non-empty folder then needs --overwrite). A project is never overwritten in place.
 */
export async function inPlaceOutput(target: Target, command: string): Promise<string> {
  if (target.kind === 'project' || (target.kind === 'auto' && (await isProject(target.path)))) {
    throw new CliUsageError(`${command} of a project needs -o/--output-dir (cifarkit does not rewrite a project's sources in place)`);
  }
  return target.path;
}

/** How a target is named in messages and reports. */
export function targetName(t: Target): string {
  return t.kind === 'project' ? t.dir : t.path;
}

/** Reads a target with a progress bar of the reading. */
export async function loadTarget(target: Target, ctx: Context, extra: ImportOptions = {}): Promise<Dataset> {
  const bar = progress(`reading ${targetName(target)}`, null, ctx.progress);
  let ds: Dataset;
  try {
    if (target.kind === 'path' || (target.kind === 'auto' && !(await isProject(target.path)))) {
      const format = target.kind === 'path' ? target.format : undefined;
      ds = await Dataset.importFrom(target.path, format, { ...ctx.importOptions, ...extra });
      ctx.log.debug(`read ${target.path} as ${ds.format ?? '?'}: ${ds.size} items`);
    } else {
      ds = (await projectDataset(targetName(target), { ...ctx.importOptions, ...extra })).dataset;
    }
  } finally {
    bar.done();
  }
  noteWarnings(ds, ctx);
  return ds;
}

/** Warning lines printed for one import; the rest are counted. */
const MAX_WARNING_LINES = 20;

/** What an import worked around, on stderr: one line each (nothing was dropped). */
function noteWarnings(ds: Dataset, ctx: Context): void {
  const warnings = ds.importWarnings;
  for (const w of warnings.slice(0, MAX_WARNING_LINES)) ctx.printError(`cifarkit: warning [${w.code}] ${w.message}`);
  if (warnings.length > MAX_WARNING_LINES) ctx.printError(`cifarkit: warning: ${warnings.length - MAX_WARNING_LINES} more like these`);
}

/**
 * Refuses a non-empty output folder without --overwrite, before anything is read (as datum:
 * "Directory ... already exists (pass --overwrite to overwrite)", exit 1).
 */
export async function checkOutputDir(dir: string, overwrite: boolean): Promise<void> {
  const kind = await pathKind(dir);
  if (kind === 'file') throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, 'the output path is a file, not a folder', { file: dir });
  if (kind === 'dir' && !overwrite && (await readdir(dir)).length > 0) {
    throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, 'the output folder is not empty; pass --overwrite to replace it', { file: dir });
  }
}

/** Refuses an existing output file without --overwrite, before anything is read. */
export async function checkOutputFile(file: string, overwrite: boolean): Promise<void> {
  const kind = await pathKind(file);
  if (kind === 'dir') throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, 'the output path is a folder, not a file', { file });
  if (kind === 'file' && !overwrite) throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, 'the output file exists; pass --overwrite to replace it', { file });
}

/** datum's `make_file_name`: NFKD, ASCII only, lower case, word characters and hyphens. */
export function makeFileName(s: string): string {
  const ascii = s.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  return ascii.replace(/[^\w\s-]/g, '').trim().toLowerCase().replace(/[-\s]+/g, '-');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * datum's `generate_next_file_name(basename, sep='.')`: `basename` if no entry of `dir` starts
 * with it, else `basename.N` with N one more than the largest number found (an entry that
 * merely starts with `basename` counts as 0, as in datum).
 */
export async function nextFreeName(basename: string, dir = '.', sep = '.', suffix = ''): Promise<string> {
  const pattern = new RegExp(`^${escapeRegExp(basename)}(?:${escapeRegExp(sep)}(\\d+))?${escapeRegExp(suffix)}`);
  let max: number | null = null;
  for (const name of await readdir(dir)) {
    const m = pattern.exec(name);
    if (!m) continue;
    const n = m[1] === undefined ? 0 : Number(m[1]);
    if (max === null || n > max) max = n;
  }
  return `${basename}${max === null ? '' : `${sep}${max + 1}`}${suffix}`;
}

/** datum convert's default output: `<input folder name>-<format>` in the current folder. */
export async function defaultConvertOutput(input: string, format: string): Promise<string> {
  return nextFreeName(`${nodePath.basename(nodePath.resolve(input))}-${makeFileName(format)}`);
}

/** Exports with a progress bar of written files; returns the file count. */
export async function exportWithProgress(ds: Dataset, dir: string, format: FormatName, options: CliExportOptions, ctx: Context, workers?: number): Promise<number> {
  const bar = progress(`writing ${format}`, null, ctx.progress);
  try {
    return await ds.export(dir, format, { ...options, ...(workers === undefined ? {} : { workers }), onFile: (path) => bar.tick(path) });
  } finally {
    bar.done();
  }
}

/** The note datum users need when images were left out. */
export function warnNoMedia(format: string, options: ExportOptions, ctx: Context): void {
  // ImageNet folders, the binary version's records and parquet rows are their images: always written.
  if (options.saveMedia === false && !format.startsWith('imagenet') && format !== 'cifar_binary' && format !== 'hf_parquet') {
    ctx.log.warning(`images were not written (as with datum); add '-- --save-media' to include them`);
  }
}

/** `project export [source]`: the whole project, or one source of it by name. */
export async function parseSourceTarget(dir: string, source: string | undefined): Promise<Target> {
  if (source === undefined || source === 'project') return { kind: 'project', dir };
  const config = await readProject(dir);
  const s = config.sources.find((x) => x.name === source);
  if (!s) throw new CliUsageError(`the project has no source named '${source}' (it has: ${config.sources.map((x) => x.name).join(', ') || 'none'})`);
  return { kind: 'path', path: nodePath.resolve(dir, s.path), format: s.format ? checkFormatName(s.format) : undefined };
}
