/**
 * Zip archives (PKWARE APPNOTE.TXT) through fflate's `unzipSync`, which reads the central
 * directory: the one authoritative list of entries, and the only place that gives the sizes
 * of entries written with data descriptors (streamed zips), which fflate's streaming `Unzip`
 * cannot delimit when stored. The cost: the compressed archive is held whole while its entries
 * are inflated (peak = compressed + inflated); the official CIFAR archives are .tar.gz anyway.
 *
 * Stored (0) and deflated (8) entries are read; others are skipped with a reason. Zip has no
 * portable symlink flag that fflate exposes, so a symlink entry reads as a small file holding
 * its target path (harmless: nothing is followed or written).
 */
import { unzipSync } from 'fflate';
import { CifarkitError, DatasetImportError, ErrorCode } from '../errors.js';
import type { DecodeBudget } from '../limits.js';
import { MEMBER_SNIFF_BYTES, type ArchiveLimits } from './tar.js';
import { entryPath, type ArchiveTreeBuilder } from './tree.js';

/** Deflate's largest expansion: 258 bytes from about 2 bits, i.e. 1032:1. */
const MAX_DEFLATE_RATIO = 1032;

/** Reads a whole zip into the tree. */
export function readZip(
  bytes: Uint8Array,
  tree: ArchiveTreeBuilder,
  label: string,
  limits: ArchiveLimits,
  budget: DecodeBudget,
  checkMember?: (path: string, head: Uint8Array) => CifarkitError | null,
): void {
  let entries = 0;
  let total = 0;
  const order: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(info) {
        if (++entries > limits.maxEntries) {
          throw new DatasetImportError(ErrorCode.ARCHIVE_TOO_LARGE, `the archive has more than ${limits.maxEntries} entries (limits.maxEntries)`, { file: label });
        }
        const path = entryPath(info.name, label);
        if (info.name.endsWith('/') || info.name.endsWith('\\')) {
          tree.addDir(path);
          return false;
        }
        if (info.compression !== 0 && info.compression !== 8) {
          tree.skip(path, `unsupported zip compression method ${info.compression}`);
          return false;
        }
        // fflate allocates the declared uncompressed size before inflating: a size the
        // compressed bytes cannot produce (stored: the same size; deflate: at most 1032:1) is a
        // lie, refused before it costs gigabytes.
        const most = info.compression === 0 ? info.size : info.size * MAX_DEFLATE_RATIO + 1024;
        if (info.size > bytes.length || info.originalSize > most) {
          throw new DatasetImportError(
            ErrorCode.ARCHIVE_CORRUPT,
            `entry '${path}' declares ${info.originalSize} bytes from ${info.size} ${info.compression === 0 ? 'stored' : 'compressed'} bytes, more than they can hold`,
            { file: label },
          );
        }
        total += info.originalSize;
        if (total > limits.maxTotalBytes) {
          throw new DatasetImportError(
            ErrorCode.ARCHIVE_TOO_LARGE,
            `entry '${path}' (${info.originalSize} bytes) takes the archive over the limit of ${limits.maxTotalBytes} bytes (limits.maxTotalBytes)`,
            { file: label },
          );
        }
        // Inflated (or, stored, copied out) by fflate: counted by the import's budget before it is.
        budget.inflate(info.originalSize, label);
        order.push(info.name);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof CifarkitError) throw err;
    throw new DatasetImportError(ErrorCode.ARCHIVE_CORRUPT, `invalid zip data: ${(err as Error).message} (a corrupt or truncated file?)`, { file: label, cause: err });
  }
  // fflate keys the result by name, so of duplicate names the later entry's data is there.
  for (const name of order) {
    const data = files[name];
    if (data === undefined) continue;
    delete files[name];
    const path = entryPath(name, label);
    const refused = checkMember?.(path, data.subarray(0, MEMBER_SNIFF_BYTES));
    if (refused) tree.addRefused(path, refused);
    else tree.addFile(path, data);
  }
}
