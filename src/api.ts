/**
 * The public API shared by every runtime entry point (re-exports only). The pickle codec is the
 * `cifarkit/pickle` subpath (src/pickle/index.ts).
 */
export { Dataset, MAX_WORKERS, type DatasetInput, type FromIterableOptions, type ImportOptions, type MergeResult } from './dataset/dataset.js';
export { DEFAULT_LIMITS, type ImportLimits } from './limits.js';
export { setInflater, getInflater, type InflaterName } from './archive/inflate.js';
export { DatasetItem, type DatasetItemInit } from './model/item.js';
export { Label, LabelCategories, type Annotation, type LabelCategory } from './model/annotations.js';
export { Image, type ImageOptions, type ImageDataInput } from './image/image.js';
export { toTensor, batches, type Tensor, type TensorOptions, type BatchOptions, type Batch } from './dataset/tensor.js';
export { setBackend, getBackend, wasmFeatures, type BackendName } from './kernels/pixels.js';
export { encodeImage, decodeImage, JPEG_QUALITY } from './image/codecs.js';
export { formatNames, type ExportOptionsMap } from './formats/index.js';
export type { MemoryFiles } from './sources/file-tree.js';
export type { ArchiveInput } from './archive/input.js';
export type { DatasetView } from './model/view.js';
export type { DecodeBudget } from './limits.js';
export type { EncodeOptions } from './image/codecs.js';
export type { WasmFeatures } from './kernels/pixels.js';
export type { CifarkitErrorOptions } from './errors.js';
export type { ExportOptions, ImageExportOptions, FormatName } from './formats/format.js';
export type { ExportedFile } from './sources/file-tree.js';
export type { ChannelOrder, DatasetInfos } from './model/view.js';
export { WarningCode, type ImportWarning } from './warnings.js';
export type { CifarExportOptions } from './formats/cifar/index.js';
export type { MnistExportOptions } from './formats/mnist/index.js';
export type { HfParquetExportOptions } from './formats/hf-parquet/index.js';
export {
  CifarkitError,
  PickleError,
  NdArrayError,
  DatasetImportError,
  DatasetExportError,
  UsageError,
  ErrorCode,
  type ErrorLocation,
} from './errors.js';
export { renderMosaic, type MosaicOptions, type MosaicLayout, type MosaicRow, type MosaicCell, type MosaicText } from './preview/mosaic.js';
export { itemToXml, type FilterMode, type FilterOptions, type ItemPredicate, type AnnotationPredicate } from './dataset/filter.js';
export {
  parseTransformArgs,
  transformNames,
  type TransformName,
  type TransformOptionsMap,
  type RemapLabelsOptions,
  type RenameOptions,
  type RandomSplitOptions,
  type MapSubsetsOptions,
  type ItemRefsOptions,
  type RemoveAttributesOptions,
  type RemoveDuplicatesOptions,
  type ItemRef,
  type ReindexOptions,
  type SortOptions,
  type ProjectLabelsOptions,
  type ResizeOptions,
  type SplitOptions,
  type RandomSamplerOptions,
  type LabelRandomSamplerOptions,
  type NdrOptions,
  type CorrectOptions,
  type DatumaroValidationReport,
} from './dataset/transforms/index.js';
export type { MergeConflict } from './dataset/merge.js';
export {
  validateDataset,
  DEFAULT_THRESHOLD,
  DEFAULT_FEW_SAMPLES_THR,
  DEFAULT_IMBALANCE_RATIO_THR,
  DEFAULT_FAR_FROM_MEAN_THR,
  type ValidateOptions,
  type ValidationReport,
  type ValidationSummary,
  type LabelAnomaly,
  type AnomalyType,
  type DuplicatePair,
  type ItemKey,
  OFFICIAL_FILE_MD5,
  describeOfficialFiles,
  type OfficialFilesCheck,
  type FileChecksum,
  type OfficialDataset,
} from './validate/index.js';
export { datasetStatistics, type DatasetStatistics, type SubsetImageStatistics, type StatisticsOptions } from './stats/index.js';
export { validationReportHtml, type ReportHtmlOptions } from './validate/html.js';
