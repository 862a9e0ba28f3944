/**
 * Shared pieces of the CLI: exit codes, error reporting, exporter arguments, progress bars.
 * The CLI calls the public API only (../index.ts); files are read and written through src/io
 * (targets.ts lists folders with node:fs for datum's output names and the non-empty check).
 */
import { SingleBar } from 'cli-progress';
import yargs from 'yargs';
import { CifarkitError, ErrorCode, type CifarExportOptions, type HfParquetExportOptions, type ImageExportOptions, type MnistExportOptions } from '../index.js';

/**
 * What the exporter options after `--` can set: every format's own options in one object (a row
 * of EXPORT_ARGS names the formats it applies to, and is refused for the others).
 */
export type CliExportOptions = CifarExportOptions & MnistExportOptions & HfParquetExportOptions & ImageExportOptions;

/** Exit codes: 0 ok, 1 bad input (the data or files), 2 bad usage (the command line). */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_BAD_USAGE = 2;

const USAGE_CODES: ReadonlySet<string> = new Set<string>([
  ErrorCode.INVALID_ARGUMENT,
  ErrorCode.FORMAT_UNKNOWN,
  ErrorCode.BACKEND_UNAVAILABLE,
  'FILTER_INVALID',
  'TRANSFORM_UNKNOWN',
]);

/** A command-line mistake: printed with the command's usage hint, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CliUsageError) return EXIT_BAD_USAGE;
  if (err instanceof CifarkitError) return USAGE_CODES.has(err.code) ? EXIT_BAD_USAGE : EXIT_BAD_INPUT;
  return EXIT_BAD_INPUT;
}

/** One line for stderr. */
export function describeError(err: unknown): string {
  if (err instanceof CifarkitError) {
    // The library speaks of its `overwrite` option; on the command line it is --overwrite.
    const message = err.code === ErrorCode.OUTPUT_NOT_EMPTY ? err.message.replace('pass overwrite', 'pass --overwrite') : err.message;
    return `cifarkit: error [${err.code}] ${message}`;
  }
  if (err instanceof CliUsageError) return `cifarkit: ${err.message} (see --help)`;
  return `cifarkit: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

/**
 * Exporter options after `--`, with Datumaro's names. One row per option: the formats it applies
 * to (all when omitted), how it maps to CliExportOptions and what values it takes. Add a row to
 * add an option.
 */
type ExportArg = {
  readonly name: string;
  readonly describe: string;
  readonly formats?: readonly string[];
} & (
  // Sets the parsed value on the options; throws CliUsageError for a bad value.
  | { readonly type: 'boolean'; readonly apply: (value: boolean, out: CliExportOptions) => void }
  | { readonly type: 'string'; readonly apply: (value: string, out: CliExportOptions) => void }
  | { readonly type: 'number'; readonly apply: (value: number, out: CliExportOptions) => void }
);

function oneOf<const T extends string>(option: string, allowed: readonly T[], value: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new CliUsageError(`exporter option --${option}: '${value}' is not one of ${allowed.join(', ')}`);
  return found;
}

function intIn(option: string, min: number, max: number, value: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new CliUsageError(`exporter option --${option} needs an integer from ${min} to ${max}, got '${String(value)}'`);
  return value;
}

function pickleProtocol(value: number): 2 | 3 | 4 | 5 {
  const p = intIn('protocol', 2, 5, value);
  if (p === 2 || p === 3 || p === 4 || p === 5) return p;
  throw new CliUsageError(`exporter option --protocol needs an integer from 2 to 5, got '${String(value)}'`);
}

export const EXPORT_ARGS: readonly ExportArg[] = [
  { name: 'save-media', type: 'boolean', describe: 'write the images', apply: (v, o) => (o.saveMedia = v) },
  { name: 'image-ext', type: 'string', describe: 'image file extension: .png, .jpg, .jpeg', apply: (v, o) => (o.imageExt = oneOf('image-ext', ['.png', '.jpg', '.jpeg'], v)) },
  { name: 'save-dataset-meta', type: 'boolean', describe: 'also write dataset_meta.json', apply: (v, o) => (o.saveDatasetMeta = v) },
  { name: 'jpeg-quality', type: 'number', describe: 'JPEG quality 1-100 (default 95)', apply: (v, o) => (o.jpegQuality = intIn('jpeg-quality', 1, 100, v)) },
  { name: 'protocol', type: 'number', formats: ['cifar'], describe: 'cifar: pickle protocol 2-5 (default 4)', apply: (v, o) => (o.protocol = pickleProtocol(v)) },
  { name: 'python2', type: 'boolean', formats: ['cifar'], describe: 'cifar: the original Python 2 layout', apply: (v, o) => (o.python2 = v) },
  {
    name: 'channel-order',
    type: 'string',
    formats: ['cifar'],
    describe: "cifar: the planes' order to write, rgb or bgr (bgr: as Datumaro writes converted images)",
    apply: (v, o) => (o.channelOrder = oneOf('channel-order', ['rgb', 'bgr'], v)),
  },
  { name: 'compress', type: 'boolean', formats: ['mnist'], describe: 'mnist: gzip the idx files (default true; --no-compress)', apply: (v, o) => (o.compress = v) },
  {
    name: 'codec',
    type: 'string',
    formats: ['hf_parquet'],
    describe: 'hf_parquet: page compression, SNAPPY (default), GZIP or UNCOMPRESSED',
    apply: (v, o) => (o.codec = oneOf('codec', ['SNAPPY', 'GZIP', 'UNCOMPRESSED'], v)),
  },
];

/** The exporter options help line for --help epilogs. */
export function exportArgsHelp(): string {
  return EXPORT_ARGS.map((a) => `--${a.name}${a.type === 'boolean' ? '' : ` <${a.type === 'number' ? 'N' : 'value'}>`}${a.formats ? ` (${a.formats.join(', ')})` : ''}`).join(', ');
}

/**
 * Parses and checks the exporter options after `--` for `format` (no I/O): unknown options,
 * options of another format, and bad values are usage errors. With `format` undefined (not known
 * before the input is read) every format's options are accepted; check again once it is known.
 */
export function parseExportArgs(args: readonly string[], format: string | undefined): CliExportOptions {
  const state: { failure: string | null } = { failure: null };
  let y = yargs([...args]).parserConfiguration({ 'camel-case-expansion': false, 'short-option-groups': false });
  const known = EXPORT_ARGS.filter((a) => !a.formats || format === undefined || a.formats.includes(format));
  for (const a of known) y = y.option(a.name, { type: a.type, ...(a.type === 'boolean' ? {} : { requiresArg: true }) });
  const parsed = y
    .strict()
    .exitProcess(false)
    .help(false)
    .version(false)
    .fail((msg) => {
      state.failure = msg;
    })
    .parseSync();
  const { failure } = state;
  if (failure !== null) {
    const unknown = /^Unknown arguments?: (.*)$/s.exec(failure);
    if (unknown) {
      const names = unknown[1]!.split(', ');
      const other = names.map((n) => EXPORT_ARGS.find((a) => a.name === n)).find((a) => a !== undefined);
      if (other) throw new CliUsageError(`exporter option --${other.name} applies to ${other.formats!.join(', ')}, not ${format}`);
      throw new CliUsageError(`unknown exporter option ${names.map((n) => (n.length > 1 ? `--${n}` : `-${n}`)).join(', ')} for ${format} (known: ${known.map((a) => `--${a.name}`).join(', ')})`);
    }
    throw new CliUsageError(`exporter options: ${failure.replace(/\s+/g, ' ')}`);
  }
  if (parsed._.length) throw new CliUsageError(`unexpected exporter argument '${String(parsed._[0])}'`);
  const out: CliExportOptions = {};
  for (const a of known) {
    const v = parsed[a.name];
    if (v === undefined) continue;
    if (Array.isArray(v)) throw new CliUsageError(`exporter option --${a.name} is given more than once`);
    if (a.type === 'number') {
      if (typeof v !== 'number' || Number.isNaN(v)) throw new CliUsageError(`exporter option --${a.name} needs a number, got '${String(v)}'`);
      a.apply(v, out);
    } else if (a.type === 'boolean') a.apply(v === true, out);
    else a.apply(String(v), out);
  }
  return out;
}

/** Exporter options of the CLI: like `datum`, images are written only with --save-media. */
export function cliExportOptions(args: readonly string[], format: string | undefined, overwrite: boolean): CliExportOptions {
  return { saveMedia: false, ...parseExportArgs(args, format), overwrite };
}

export interface Progress {
  tick(what?: string): void;
  done(): void;
}

/** A progress bar on `stream` (the context's: a terminal, and not with --json); silent for null. */
export function progress(label: string, total: number | null, stream: NodeJS.WritableStream | null): Progress {
  if (!stream) return { tick() {}, done() {} };
  const bar = new SingleBar(
    {
      stream,
      format: total ? `${label} [{bar}] {value}/{total} {what}` : `${label} {value} {what}`,
      hideCursor: true,
      clearOnComplete: true,
    },
  );
  bar.start(total ?? 0, 0, { what: '' });
  let n = 0;
  return {
    tick(what = '') {
      n++;
      bar.update(n, { what });
    },
    done() {
      bar.stop();
    },
  };
}
