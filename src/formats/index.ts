/** The registry of dataset formats and format detection. */
import { assertLabelsInRange } from '../model/labels.js';
import { DatasetExportError, DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import { cifarFormat } from './cifar/index.js';
import { cifarBinaryFormat } from './cifar-binary/index.js';
import { hfParquetFormat } from './hf-parquet/index.js';
import type { DatasetSource } from '../sources/file-tree.js';
import type { DatasetFormat, ExportContext, ExportOptions, FormatImportOptions, FormatName, ImageExportOptions, ImportedDataset } from './format.js';
import type { CifarExportOptions } from './cifar/export.js';
import type { HfParquetExportOptions } from './hf-parquet/export.js';
import type { MnistExportOptions } from './mnist/export.js';
import type { DatasetView } from '../model/view.js';
import type { ExportedFile } from '../sources/file-tree.js';
import { imagenetFormat, imagenetWithSubsetDirsFormat } from './imagenet/index.js';
import { imagenetTxtFormat } from './imagenet-txt/index.js';
import { mnistFormat } from './mnist/index.js';

/**
 * In detection order. hf_parquet comes first: it claims only files whose parquet footer has an
 * image column, and cifar would take a lone parquet file for a batch file. The formats recognised by file names (mnist: `*-labels-idx1-ubyte[.gz]`;
 * cifar_binary: `batches.meta.txt` or `fine_label_names.txt` beside `*.bin`, or a `.bin` file;
 * imagenet_txt: a `*.txt` list of `<image> <label>` lines) come before cifar, whose detector
 * takes any single file for a lone batch file; none of them claims a CIFAR folder. The
 * image-folder formats come last (Datumaro gives them its lowest confidence), subset folders
 * before plain ImageNet because every subset-folder tree is also a valid (nested) ImageNet tree.
 */
const FORMATS: readonly DatasetFormat[] = [hfParquetFormat, mnistFormat, cifarBinaryFormat, imagenetTxtFormat, cifarFormat, imagenetWithSubsetDirsFormat, imagenetFormat];

/**
 * Names of the formats cifarkit can import, in detection order.
 *
 * @example
 * ```ts
 * import { formatNames } from 'cifarkit';
 *
 * console.log(formatNames.includes('cifar'), formatNames.length); // true 7
 * ```
 */
export const formatNames: readonly FormatName[] = Object.freeze(FORMATS.map((f) => f.name));

/**
 * Each format's export options: what `dataset.export(dir, format, options)` takes for that
 * format, so a misspelled option is a compile error.
 *
 * @example
 * ```ts
 * import { Dataset, type ExportOptionsMap } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ExportOptionsMap['mnist'] = { compress: false };
 * const files = await ds.filter((item) => item.media?.width === 32).exportToFiles('mnist', options);
 * console.log([...files.keys()].filter((path) => path.includes('images'))); // [ 'data_batch_1-images-idx3-ubyte', 'test_batch-images-idx3-ubyte' ]
 * ```
 */
export interface ExportOptionsMap {
  /** CIFAR's python pickles: {@link CifarExportOptions}. */
  cifar: CifarExportOptions;
  /** CIFAR's binary version: the common {@link ExportOptions}. */
  cifar_binary: ExportOptions;
  /** Hugging Face parquet: {@link HfParquetExportOptions}. */
  hf_parquet: HfParquetExportOptions;
  /** A folder per label: {@link ImageExportOptions}. */
  imagenet: ImageExportOptions;
  /** A folder per subset and label: {@link ImageExportOptions}. */
  imagenet_with_subset_dirs: ImageExportOptions;
  /** Image lists in text files: {@link ImageExportOptions}. */
  imagenet_txt: ImageExportOptions;
  /** MNIST's idx files: {@link MnistExportOptions}. */
  mnist: MnistExportOptions;
}

/** Whether a string names a format (FORMAT_UNKNOWN otherwise, where it is looked up). */
export function isFormatName(name: unknown): name is FormatName {
  return typeof name === 'string' && (formatNames as readonly string[]).includes(name);
}

/** A format name from elsewhere (a project file), checked: FORMAT_UNKNOWN when it names none. */
export function checkFormatName(name: string): FormatName {
  return byName(name).name;
}

function byName(name: string): DatasetFormat {
  const format = FORMATS.find((f) => f.name === name);
  if (!format) throw new UsageError(ErrorCode.FORMAT_UNKNOWN, `unknown format '${name}'; known formats: ${formatNames.join(', ')}`);
  return format;
}

/** The name of the first format that recognises the source, or null. */
export async function detectFormat(source: DatasetSource): Promise<FormatName | null> {
  for (const f of FORMATS) if (await f.detect(source)) return f.name;
  return null;
}

/** The names of every format whose detector recognises the source, in detection order. */
export async function detectFormats(source: DatasetSource): Promise<FormatName[]> {
  const found: FormatName[] = [];
  for (const f of FORMATS) if (await f.detect(source)) found.push(f.name);
  return found;
}

/**
 * Imports a source in the named format, or the detected one when `format` is omitted.
 * `options.channelOrder` 'bgr' is refused (INVALID_ARGUMENT) for a format whose pixels have no plane order.
 */
export async function importSource(source: DatasetSource, format?: string, options: FormatImportOptions = {}): Promise<ImportedDataset & { format: FormatName }> {
  let name = format;
  if (name === undefined) {
    if ((await source.tree.kind(source.start)) === null) {
      throw new UsageError(ErrorCode.FILE_NOT_FOUND, 'no such file or folder', { file: source.tree.display(source.start) || source.tree.label });
    }
    const detected = await detectFormat(source);
    if (!detected) {
      throw new DatasetImportError(ErrorCode.FORMAT_NOT_DETECTED, `not a dataset in any known format (${formatNames.join(', ')})`, {
        file: source.tree.display(source.start) || source.tree.label,
      });
    }
    name = detected;
  }
  const f = byName(name);
  if ((await source.tree.kind(source.start)) === null) {
    throw new UsageError(ErrorCode.FILE_NOT_FOUND, 'no such file or folder', { file: source.tree.display(source.start) || source.tree.label });
  }
  if (options.channelOrder === 'bgr' && !f.channelOrder) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `channelOrder 'bgr' applies to the planar CIFAR format, not to '${f.name}' (whose images are RGB by definition)`);
  }
  // What an archive's members made for the CIFAR import (`prepareMember`) is dropped before any
  // other import, and after the CIFAR one (the batches it did not read): it is never held
  // beside another format's own decoding.
  if (f.name !== 'cifar') source.tree.dropPrepared?.();
  try {
    return { ...(await f.import(source, options)), format: f.name };
  } finally {
    source.tree.dropPrepared?.();
  }
}

/** The files of the dataset in the named format, produced one at a time. */
export async function* exportFiles(dataset: DatasetView, format: string, options: ExportOptions, context: ExportContext = {}): AsyncIterable<ExportedFile> {
  if (typeof format !== 'string') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'the format must be a string such as "cifar"');
  const f = byName(format);
  if (!f.export) throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `format '${f.name}' cannot be written`);
  // The one label check of every export: exporters may index the categories by any label.
  assertLabelsInRange(dataset);
  const onFile = typeof options.onFile === 'function' ? options.onFile : null;
  if (!onFile) {
    yield* f.export(dataset, options, context);
    return;
  }
  for await (const file of f.export(dataset, options, context)) {
    yield file;
    onFile(file.path);
  }
}


