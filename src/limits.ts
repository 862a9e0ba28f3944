/**
 * The size limits of an import, one set for every source: `Dataset.importFrom(input, format,
 * { limits })`, `archiveSource(input, { limits })` and the CLI share them.
 *
 * Declared sizes (a tar entry's size, a zip entry's uncompressed size, a pickle's string or
 * bytes length, a numpy shape, an idx header, a PNG's dimensions) are checked against the bytes
 * that are really there, or against these limits, before anything is allocated; what cannot be
 * known in advance (how far a deflate stream inflates) is counted as it is produced and stopped
 * at the limit. Exceeding one is ARCHIVE_TOO_LARGE naming the limit.
 */
import { ErrorCode, UsageError } from './errors.js';

export interface ImportLimits {
  /** The most bytes an archive (.tar, .tar.gz, .zip) or a gzip-compressed file (MNIST's .gz) may inflate to. Default 8 GiB. */
  maxTotalBytes: number;
  /** The most entries an archive may hold. Default 1,000,000. */
  maxEntries: number;
}

/** Generous for CIFAR (the official archives inflate to ~180 MB and hold ~10 entries). */
export const DEFAULT_LIMITS: Readonly<ImportLimits> = Object.freeze({ maxTotalBytes: 8 * 2 ** 30, maxEntries: 1_000_000 });

/** The defaults with the caller's values over them; INVALID_ARGUMENT for anything but numbers >= 0 or unknown names. */
export function resolveLimits(given: Partial<ImportLimits> | undefined): ImportLimits {
  if (given !== undefined && (given === null || typeof given !== 'object')) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'limits must be an object such as { maxTotalBytes: 2 ** 30 }');
  }
  for (const key of Object.keys(given ?? {})) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `unknown limit '${key}'; known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    }
  }
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, v] of Object.entries(given ?? {}) as [keyof ImportLimits, unknown][]) {
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0)) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `limits.${key} must be a number >= 0, got ${String(v)}`);
    }
    limits[key] = v;
  }
  return limits;
}
