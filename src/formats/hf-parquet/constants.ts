/**
 * The Hugging Face Hub's parquet layout of image-classification datasets (`uoft-cs/cifar10`,
 * `uoft-cs/cifar100`), as the `datasets` library writes it:
 * - one table per split, in shards `<config>/<split>-00000-of-00001.parquet` (`plain_text/` for
 *   CIFAR-10, `cifar100/` for CIFAR-100; `push_to_hub` writes `data/`; the Hub's converted
 *   branch `refs/convert/parquet` has `<config>/<split>/0000.parquet`);
 * - an image column (`img`) of Arrow type struct<bytes: binary, path: string>: the encoded file
 *   (PNG for CIFAR) and the name it came from (null on the Hub's CIFAR files);
 * - label columns of Arrow type int64 (`label`; CIFAR-100 `fine_label` and `coarse_label`),
 *   -1 for a missing label;
 * - the features in the file's key-value metadata under `huggingface`:
 *   `{"info": {"features": {"img": {"_type": "Image"}, "label": {"names": [...], "_type": "ClassLabel"}}}}`.
 * Sources: datasets' features/features.py (`Features.arrow_schema`, `ClassLabel`),
 * features/image.py (`Image.pa_type`), arrow_writer.py (`_build_metadata`), data_files.py (split
 * names from file names); the dataset cards of uoft-cs/cifar10 and uoft-cs/cifar100.
 */

/** The key of the file's key-value metadata that holds the features JSON. */
export const METADATA_KEY = 'huggingface';
export const IMAGE_TYPE = 'Image';
export const CLASS_LABEL_TYPE = 'ClassLabel';
export const PARQUET_EXT = '.parquet';
/** The magic number at both ends of a parquet file. */
export const PARQUET_MAGIC = 'PAR1';
/** How many folder levels below the given path the files are searched for (as the other formats). */
export const MAX_SEARCH_DEPTH = 3;
/** ClassLabel's value for a missing label. */
export const NO_LABEL = -1;

/** Column names the exporter writes, as the Hub's CIFAR tables have them. */
export const IMAGE_COLUMN = 'img';
export const LABEL_COLUMN = 'label';
export const FINE_LABEL_COLUMN = 'fine_label';
export const COARSE_LABEL_COLUMN = 'coarse_label';

/** Where the exporter writes each split: what `push_to_hub` writes and `load_dataset` reads as the split. */
export const EXPORT_DIR = 'data';
export const SHARD_SUFFIX = '-00000-of-00001';
/** Rows per row group in exported files: a reader holds one group at a time. */
export const EXPORT_ROW_GROUP_SIZE = 1000;

/** datasets' split keywords (data_files.py SPLIT_KEYWORDS), mapped to the split they name. */
export const SPLIT_KEYWORDS: ReadonlyMap<string, string> = new Map([
  ['train', 'train'],
  ['training', 'train'],
  ['validation', 'validation'],
  ['valid', 'validation'],
  ['dev', 'validation'],
  ['val', 'validation'],
  ['test', 'test'],
  ['testing', 'test'],
  ['eval', 'test'],
  ['evaluation', 'test'],
]);

/** datasets' rule for split names (`Split`: `^\w+(\.\w+)*$`, Python's Unicode `\w`). */
export const SPLIT_NAME_RE = /^[\p{L}\p{M}\p{N}_]+(\.[\p{L}\p{M}\p{N}_]+)*$/u;
