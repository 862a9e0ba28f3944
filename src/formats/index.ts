/** The registry of dataset formats and format detection. */
import { DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import { cifarFormat } from './cifar/import.js';
import type { DatasetSource } from './file-tree.js';
import type { DatasetFormat, ImportedDataset } from './format.js';

const FORMATS: readonly DatasetFormat[] = [cifarFormat];

/** Names of the formats cifarkit can import. */
export const formatNames: readonly string[] = FORMATS.map((f) => f.name);

function byName(name: string): DatasetFormat {
  const format = FORMATS.find((f) => f.name === name);
  if (!format) throw new UsageError(ErrorCode.FORMAT_UNKNOWN, `unknown format '${name}'; known formats: ${formatNames.join(', ')}`);
  return format;
}

/** The name of the first format that recognises the source, or null. */
export async function detectFormat(source: DatasetSource): Promise<string | null> {
  for (const f of FORMATS) if (await f.detect(source)) return f.name;
  return null;
}

/** Imports a source in the named format, or the detected one when `format` is omitted. */
export async function importSource(source: DatasetSource, format?: string): Promise<ImportedDataset & { format: string }> {
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
  return { ...(await f.import(source)), format: f.name };
}

export type { DatasetFormat, ImportedDataset } from './format.js';
