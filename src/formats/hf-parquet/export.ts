/**
 * Writing a dataset as Hugging Face parquet, the layout of the Hub's `cifar10` / `cifar100`
 * (hyparquet-writer): one file per subset, `data/<subset>-00000-of-00001.parquet` (what
 * `push_to_hub` writes; `load_dataset("parquet", data_dir=...)` and the Hub name the split
 * from it), row groups of {@link EXPORT_ROW_GROUP_SIZE} rows, snappy pages (pyarrow's default).
 *
 * Columns, as datasets' features store them:
 * - `img`: struct<bytes: binary, path: string>; the image encoded as PNG (lossless; `imageExt`
 *   '.jpg' gives JPEG, and an image imported from a JPEG stays one unless `imageExt` says
 *   otherwise), `path` = id + extension so that the ids come back; null without an image. The
 *   images are the dataset here, so `saveMedia: false` does not apply (as for ImageNet);
 * - `label` (int64 ClassLabel, -1 when unlabelled) when no label has a parent; else CIFAR-100's
 *   `fine_label` and `coarse_label`, the coarse names being the sorted parents (as the CIFAR
 *   exporter writes `coarse_label_names`), -1 for a label without a parent;
 * - key-value metadata `huggingface` = {"info": {"features": ...}} with the ClassLabel names.
 * `saveDatasetMeta` writes nothing more: the names are in every file.
 */
import { ByteWriter, parquetWrite } from 'hyparquet-writer/src/index.js';
import { gzipSync } from 'fflate';
import { DatasetExportError, ErrorCode, exportUnsupported, UsageError } from '../../errors.js';
import { encodeFor, imageExportSettings, imageExtFor } from '../common.js';
import { safeOutputPath } from '../../sources/file-tree.js';
import type { ExportContext, ImageExportOptions } from '../format.js';
import type { DatasetView } from '../../model/view.js';
import type { ExportedFile } from '../../sources/file-tree.js';
import {
  CLASS_LABEL_TYPE,
  COARSE_LABEL_COLUMN,
  EXPORT_DIR,
  EXPORT_ROW_GROUP_SIZE,
  FINE_LABEL_COLUMN,
  IMAGE_COLUMN,
  IMAGE_TYPE,
  LABEL_COLUMN,
  METADATA_KEY,
  NO_LABEL,
  PARQUET_EXT,
  SHARD_SUFFIX,
  SPLIT_NAME_RE,
} from './constants.js';

/** The parquet page codecs the exporter writes. */
export const PARQUET_CODECS = ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const;

/**
 * hf_parquet's format-specific export options.
 *
 * @example
 * ```ts
 * import { Dataset, type HfParquetExportOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: HfParquetExportOptions = { codec: 'GZIP' };
 * const files = await ds.exportToFiles('hf_parquet', options);
 * const again = await Dataset.importFrom(Object.fromEntries(files), 'hf_parquet');
 * console.log(again.size); // 5
 * ```
 */
export interface HfParquetExportOptions extends ImageExportOptions {
  /** Page compression: 'SNAPPY' (default, as pyarrow and the Hub), 'GZIP' or 'UNCOMPRESSED'. */
  codec?: (typeof PARQUET_CODECS)[number];
}

/** The exporter's `created_by`: the writing library, as pyarrow writes 'parquet-cpp-arrow version N'. */
const CREATED_BY = 'hyparquet-writer (cifarkit hf_parquet)';

/** The features JSON of the files, as datasets' `Features.to_dict()` gives it. */
export function featuresJson(names: string[], coarseNames: string[] | null): string {
  const classLabel = (n: string[]) => ({ names: n, _type: CLASS_LABEL_TYPE });
  const features: Record<string, unknown> = { [IMAGE_COLUMN]: { _type: IMAGE_TYPE } };
  if (coarseNames) {
    features[FINE_LABEL_COLUMN] = classLabel(names);
    features[COARSE_LABEL_COLUMN] = classLabel(coarseNames);
  } else features[LABEL_COLUMN] = classLabel(names);
  return JSON.stringify({ info: { features } });
}

export async function* exportHfParquet(dataset: DatasetView, options: HfParquetExportOptions, context: ExportContext): AsyncIterable<ExportedFile> {
  const codec = options.codec ?? 'SNAPPY';
  if (!PARQUET_CODECS.includes(codec)) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `codec must be one of ${PARQUET_CODECS.join(', ')}, got ${String(codec)}`);
  }
  const settings = imageExportSettings(options, '.png', context);
  const labels = dataset.labels.items;
  const names = labels.map((l) => l.name);
  const coarseNames = [...new Set(labels.map((l) => l.parent).filter((p) => p !== ''))].sort();
  const cifar100 = coarseNames.length > 0;
  const kvMetadata = [{ key: METADATA_KEY, value: featuresJson(names, cifar100 ? coarseNames : null) }];
  const schema = [
    { name: 'schema', num_children: cifar100 ? 3 : 2 },
    { name: IMAGE_COLUMN, repetition_type: 'OPTIONAL' as const, num_children: 2 },
    { name: 'bytes', type: 'BYTE_ARRAY' as const, repetition_type: 'OPTIONAL' as const },
    { name: 'path', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, logical_type: { type: 'STRING' as const }, repetition_type: 'OPTIONAL' as const },
    ...(cifar100 ? [FINE_LABEL_COLUMN, COARSE_LABEL_COLUMN] : [LABEL_COLUMN]).map((name) => ({ name, type: 'INT64' as const, repetition_type: 'OPTIONAL' as const })),
  ];

  for (const subset of dataset.subsets()) {
    if (!SPLIT_NAME_RE.test(subset)) {
      throw exportUnsupported(`subset '${subset}' is not a Hugging Face split name (letters, digits and '_', parts joined by '.'); rename it first`);
    }
    const items = dataset.getSubset(subset);
    const images: ({ bytes: Uint8Array | Promise<Uint8Array>; path: string } | null)[] = [];
    const fine: bigint[] = [];
    const coarse: bigint[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const label = item.annotations.find((a) => a.type === 'label');
      if (label && label.label >= labels.length) {
        throw new DatasetExportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${label.label} is not an index into the ${labels.length} label categories`, { item: item.id });
      }
      fine.push(label ? BigInt(label.label) : BigInt(NO_LABEL));
      const parent = label ? labels[label.label]!.parent : '';
      coarse.push(parent ? BigInt(coarseNames.indexOf(parent)) : BigInt(NO_LABEL));
      if (!item.media) {
        images.push(null);
        continue;
      }
      if (item.media.width === 0 || item.media.height === 0) throw exportUnsupported(`the image is ${item.media.height}x${item.media.width}: an image file needs pixels`, item);
      const ext = imageExtFor(item.media, settings);
      const path = item.id + ext;
      if (seen.has(path)) throw exportUnsupported(`two items of subset '${subset}' would both be named '${path}'`, item);
      seen.add(path);
      images.push({ bytes: encodeFor(item.media, ext, settings), path });
    }
    const img: ({ bytes: Uint8Array; path: string } | null)[] = [];
    for (const entry of images) img.push(entry ? { bytes: await entry.bytes, path: entry.path } : null);
    const columnData = [
      { name: IMAGE_COLUMN, data: img },
      ...(cifar100
        ? [
            { name: FINE_LABEL_COLUMN, data: fine },
            { name: COARSE_LABEL_COLUMN, data: coarse },
          ]
        : [{ name: LABEL_COLUMN, data: fine }]),
    ];
    const writer = new ByteWriter();
    parquetWrite({
      writer,
      columnData,
      schema,
      codec,
      compressors: codec === 'GZIP' ? { GZIP: (input: Uint8Array) => gzipSync(input, { mtime: 0 }) } : undefined,
      rowGroupSize: EXPORT_ROW_GROUP_SIZE,
      kvMetadata,
      createdBy: CREATED_BY,
    });
    const path = safeOutputPath(`${EXPORT_DIR}/${subset}${SHARD_SUFFIX}${PARQUET_EXT}`, `the file of subset '${subset}'`);
    yield { path, data: new Uint8Array(writer.getBuffer()) };
  }
}
