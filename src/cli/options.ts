/**
 * Options shared by several commands, with datum's names (Datumaro 1.9.1 `datumaro/cli/`), and
 * the helpers that read and check them. All checks here are pure: no file is touched.
 */
import type { Options } from 'yargs';
import { formatNames, type Dataset, type FormatName } from '../index.js';
import { isFormatName } from '../formats/index.js';
import { CliUsageError } from './common.js';

export const formatChoice = { type: 'string', choices: formatNames, requiresArg: true } as const satisfies Options;

export const inputPath = {
  'input-path': { alias: 'i', type: 'string', default: '.', requiresArg: true, describe: 'the dataset: a folder, an archive or a file of it (default: current folder)' },
} as const satisfies Record<string, Options>;

/** The dataset as an option, for filter and transform (datum takes it as the target positional). */
export const inputPathAlternative = {
  'input-path': { alias: 'i', type: 'string', requiresArg: true, describe: 'the dataset, as the target positional' },
} as const satisfies Record<string, Options>;

export const inputFormat = {
  'input-format': { alias: 'if', ...formatChoice, describe: 'its format (detected when omitted)' },
} as const satisfies Record<string, Options>;

export const overwrite = {
  overwrite: { type: 'boolean', default: false, describe: 'replace a non-empty output folder' },
} as const satisfies Record<string, Options>;

export const json = {
  json: { type: 'boolean', default: false, describe: 'print the result as JSON' },
} as const satisfies Record<string, Options>;

export const workers = {
  workers: { type: 'number', requiresArg: true, describe: 'threads that encode PNG/JPEG images while exporting (default: all cores, for 256+ images; 1: none)' },
} as const satisfies Record<string, Options>;

export const project = {
  project: { alias: 'p', type: 'string', requiresArg: true, describe: 'the project folder (default: current folder)' },
} as const satisfies Record<string, Options>;

export function outputDir(describe: string) {
  return { 'output-dir': { alias: 'o', type: 'string', requiresArg: true, describe } } as const satisfies Record<string, Options>;
}

/**
 * filter's and transform's: the dataset they read (a target, -i, -if, -p) and where the result
 * goes (-o, or the input folder itself with --overwrite; -f, default the input's format).
 */
export const rewriteOptions = {
  ...outputDir('output folder (default: the input folder itself, with --overwrite)'),
  ...overwrite,
  'output-format': { alias: 'f', ...formatChoice, describe: 'format to write (default: the input format)' },
  ...inputPathAlternative,
  ...inputFormat,
  ...project,
  ...workers,
  ...json,
} as const satisfies Record<string, Options>;

const filterSpec = {
  alias: 'e',
  type: 'string',
  requiresArg: true,
  describe: `keep only what this XPath selects in each item's XML, e.g. '/item[annotation/label="dog"]'`,
} as const satisfies Options;

/** -e/--filter: an XPath expression (convert, project export). */
export const filterExpression = { filter: filterSpec } as const satisfies Record<string, Options>;

/** -e/--filter, required (filter). */
export const requiredFilterExpression = { filter: { ...filterSpec, demandOption: true } } as const satisfies Record<string, Options>;

/** datum's FilterModes, every spelling it parses (case-insensitive, '+' or '_'). */
const FILTER_MODES: Readonly<Record<string, 'i' | 'a' | 'i+a'>> = {
  i: 'i',
  items: 'i',
  a: 'a',
  annotations: 'a',
  'i+a': 'i+a',
  'a+i': 'i+a',
  'items+annotations': 'i+a',
  'annotations+items': 'i+a',
};

export const FILTER_MODE_HELP = 'i (items), a (annotations), i+a (annotations, then drop items left without any); datum\'s long forms too';

const filterModeSpec = { type: 'string', default: 'i', requiresArg: true, describe: `filter mode: ${FILTER_MODE_HELP}` } as const satisfies Options;

/** --filter-mode (convert, project export). */
export const filterMode = { 'filter-mode': filterModeSpec } as const satisfies Record<string, Options>;

/** -m/--mode: the filter mode (filter). */
export const mode = { mode: { alias: 'm', ...filterModeSpec } } as const satisfies Record<string, Options>;

/** 'i', 'a' or 'i+a' from any of datum's spellings; usage error otherwise. */
export function parseFilterMode(value: unknown, option: string): 'i' | 'a' | 'i+a' {
  const key = String(value).toLowerCase().replaceAll('_', '+');
  const mode = Object.hasOwn(FILTER_MODES, key) ? FILTER_MODES[key] : undefined;
  if (!mode) throw new CliUsageError(`invalid ${option} '${String(value)}' (choices: i, a, i+a, items, annotations, items+annotations)`);
  return mode;
}

/** An integer option's value checked against a range; `name` as the user spells it. */
export function int(v: number, name: string, min: number, max?: number): number;
export function int(v: unknown, name: string, min: number, max?: number): number | undefined;
export function int(v: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new CliUsageError(`${name} needs an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got '${String(v)}'`);
  }
  return v;
}

/** A number option's value checked against a lower bound. */
export function num(v: number | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new CliUsageError(`${name} needs a number >= ${min}, got '${String(v)}'`);
  return v;
}

/** What follows `--` on a command line (yargs' `'--'`). */
export interface PassThroughArgs {
  readonly '--'?: unknown;
}

/** The arguments after `--`, as strings (yargs turns numeric ones into numbers). */
export function passThrough(a: PassThroughArgs): string[] {
  const rest = a['--'];
  return Array.isArray(rest) ? rest.map(String) : [];
}

/** Refuses arguments after `--` for a command that takes none. */
export function noPassThrough(a: PassThroughArgs, command: string): void {
  const rest = passThrough(a);
  if (rest.length) throw new CliUsageError(`${command} takes no arguments after --, got '${rest.join(' ')}'`);
}

/**
 * datum's dataset pathspec `<path>[:<format>]` (a ':' followed by a slash belongs to the path,
 * as in `C:\data`). The format is checked here, before anything is read.
 */
export function parseTarget(spec: string, what: string): { path: string; format: FormatName | undefined } {
  const m = /^((?:[^:]|:[/\\])+)(?::(.+))?$/s.exec(spec);
  if (!m) throw new CliUsageError(`${what} '${spec}' is not a dataset path (<path>[:<format>])`);
  const format = m[2];
  if (format !== undefined && !isFormatName(format)) {
    throw new CliUsageError(`${what} '${spec}': unknown format '${format}' (choices: ${formatNames.join(', ')})`);
  }
  return { path: m[1]!, format };
}

/** Number of annotations of a dataset. */
export function annotationCount(ds: Dataset): number {
  let n = 0;
  for (const item of ds) n += item.annotations.length;
  return n;
}
