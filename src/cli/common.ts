/**
 * Shared pieces of the CLI: exit codes, error reporting, exporter arguments, progress bars.
 * The CLI calls the public API only (../index.ts); files are touched through src/io.
 */
import { SingleBar } from 'cli-progress';
import yargs from 'yargs';
import { CifarkitError, ErrorCode, type ExportOptions } from '../index.js';

/** Exit codes: 0 ok, 1 bad input (the data or files), 2 bad usage (the command line). */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_BAD_USAGE = 2;

const USAGE_CODES = new Set<string>([
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
  if (err instanceof CifarkitError) return `cifarkit: error [${err.code}] ${err.message}`;
  if (err instanceof CliUsageError) return `cifarkit: ${err.message} (see --help)`;
  return `cifarkit: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

/**
 * Exporter options after `--`, with Datumaro's names: --save-media, --image-ext, --save-dataset-meta,
 * and the format-specific --protocol / --python2 / --channel-order (cifar), --jpeg-quality, --no-compress (mnist),
 * --codec (hf_parquet).
 */
export function parseExportArgs(args: readonly string[]): ExportOptions {
  let failure: string | null = null;
  const parsed = yargs([...args])
    .parserConfiguration({ 'camel-case-expansion': true })
    .option('save-media', { type: 'boolean', describe: 'write the images' })
    .option('image-ext', { type: 'string', describe: 'image file extension: .png, .jpg, .jpeg' })
    .option('save-dataset-meta', { type: 'boolean', describe: 'also write dataset_meta.json' })
    .option('protocol', { type: 'number', describe: 'cifar: pickle protocol 2-5 (default 4)' })
    .option('python2', { type: 'boolean', describe: 'cifar: the original Python 2 layout' })
    .option('channel-order', { type: 'string', choices: ['rgb', 'bgr'], describe: "cifar: the planes' order to write (bgr: as Datumaro writes converted images)" })
    .option('jpeg-quality', { type: 'number', describe: 'JPEG quality 1-100 (default 95)' })
    .option('compress', { type: 'boolean', describe: 'mnist: gzip the idx files (default true)' })
    .option('codec', { type: 'string', choices: ['SNAPPY', 'GZIP', 'UNCOMPRESSED'], describe: 'hf_parquet: page compression (default SNAPPY)' })
    .strict()
    .exitProcess(false)
    .help(false)
    .version(false)
    .fail((msg) => {
      failure = msg;
    })
    .parseSync();
  if (failure) throw new CliUsageError(`exporter options: ${failure}`);
  const out: ExportOptions = {};
  if (parsed.saveMedia !== undefined) out.saveMedia = parsed.saveMedia;
  if (parsed.imageExt !== undefined) out.imageExt = parsed.imageExt;
  if (parsed.saveDatasetMeta !== undefined) out.saveDatasetMeta = parsed.saveDatasetMeta;
  if (parsed.protocol !== undefined) out.protocol = parsed.protocol;
  if (parsed.python2 !== undefined) out.python2 = parsed.python2;
  if (parsed.channelOrder !== undefined) out.channelOrder = parsed.channelOrder;
  if (parsed.jpegQuality !== undefined) out.jpegQuality = parsed.jpegQuality;
  if (parsed.compress !== undefined) out.compress = parsed.compress;
  if (parsed.codec !== undefined) out.codec = parsed.codec;
  return out;
}

/** Exporter options of the CLI: like `datum`, images are written only with --save-media. */
export function cliExportOptions(args: readonly string[], overwrite: boolean): ExportOptions {
  const options = parseExportArgs(args);
  return { saveMedia: false, ...options, overwrite };
}

export interface Progress {
  tick(what?: string): void;
  done(): void;
}

/** A progress bar on stderr when it is a terminal (and not with --json); silent otherwise. */
export function progress(label: string, total: number | null, enabled = true): Progress {
  if (!enabled || !process.stderr.isTTY) return { tick() {}, done() {} };
  const bar = new SingleBar(
    {
      stream: process.stderr,
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
