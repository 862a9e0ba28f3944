/**
 * Finding a binary-version CIFAR dataset in a tree: the folder that holds `batches.meta.txt`
 * (CIFAR-10) or `fine_label_names.txt` (CIFAR-100) and at least one `*.bin` file, searched up to
 * MAX_SEARCH_DEPTH levels down (the official archives unpack to `cifar-10-batches-bin/` and
 * `cifar-100-binary/`); else the `.bin` files of the given folder itself; or a single `.bin`
 * file, with the label-name files beside it if any.
 */
import { DatasetImportError, ErrorCode } from '../../errors.js';
import { basename, dirname, joinPath, type DatasetSource, type FileTree } from '../../sources/file-tree.js';
import { compareSubsetNames } from '../cifar/layout.js';
import { BATCH_EXT, COARSE_NAMES_FILE, FINE_NAMES_FILE, MAX_SEARCH_DEPTH, META_10_FILE } from './constants.js';

export interface BinaryLayout {
  /** The folder of the dataset. */
  root: string;
  /** CIFAR-10 (`batches.meta.txt`), CIFAR-100 (`fine_label_names.txt`), or null: no label-name file, told by the record length. */
  version: 10 | 100 | null;
  /** The label-name files that exist (paths), null where absent. */
  names: { meta10: string | null; fine: string | null; coarse: string | null };
  /** The `.bin` files, in the Python version's subset order (training before test data: `train`, `data_batch_N` by N, `test`, `test_batch`, the rest by name). */
  batches: string[];
}

/** Whether a file name is a batch file: `<name>.bin`, not a dotfile. */
export function isBatchFile(name: string): boolean {
  return name.endsWith(BATCH_EXT) && name.length > BATCH_EXT.length && !name.startsWith('.');
}

/** The subset a batch file holds: its name without `.bin`. */
export function subsetOf(path: string): string {
  return basename(path).slice(0, -BATCH_EXT.length);
}

function inSubsetOrder(paths: string[]): string[] {
  return paths.sort((a, b) => compareSubsetNames(subsetOf(a), subsetOf(b)));
}

async function namesIn(tree: FileTree, dir: string): Promise<BinaryLayout['names'] & { batches: string[] }> {
  const entries = (await tree.list(dir)).filter((e) => e.kind === 'file');
  const has = (name: string) => (entries.some((e) => e.name === name) ? joinPath(dir, name) : null);
  return {
    meta10: has(META_10_FILE),
    fine: has(FINE_NAMES_FILE),
    coarse: has(COARSE_NAMES_FILE),
    batches: inSubsetOrder(entries.filter((e) => isBatchFile(e.name)).map((e) => joinPath(dir, e.name))),
  };
}

function versionOf(names: BinaryLayout['names'], tree: FileTree, dir: string): 10 | 100 | null {
  if (names.meta10 && names.fine) {
    throw new DatasetImportError(
      ErrorCode.CIFAR_BINARY_INVALID,
      `both '${META_10_FILE}' (CIFAR-10) and '${FINE_NAMES_FILE}' (CIFAR-100) are here; keep the one that names these records' labels`,
      { file: tree.display(dir) || tree.label },
    );
  }
  return names.fine ? 100 : names.meta10 ? 10 : null;
}

/** The binary-version layout at a source, or null when there is none. Throws when several roots are found. */
export async function findBinaryLayout(source: DatasetSource): Promise<BinaryLayout | null> {
  const { tree, start } = source;
  const kind = await tree.kind(start);
  if (kind === null) return null;
  if (kind === 'file') {
    if (!isBatchFile(basename(start))) return null;
    const dir = dirname(start);
    const { batches: _, ...names } = await namesIn(tree, dir);
    return { root: dir, version: versionOf(names, tree, dir), names, batches: [start] };
  }
  const roots: BinaryLayout[] = [];
  let level = [start];
  for (let depth = 0; depth <= MAX_SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const { batches, ...names } = await namesIn(tree, dir);
      if ((names.meta10 || names.fine) && batches.length > 0) {
        roots.push({ root: dir, version: versionOf(names, tree, dir), names, batches });
        continue; // a dataset's own folders are not searched for more datasets
      }
      for (const e of await tree.list(dir)) if (e.kind === 'dir' && !e.name.startsWith('.')) next.push(joinPath(dir, e.name));
    }
    level = next;
  }
  if (roots.length > 1) {
    throw new DatasetImportError(
      ErrorCode.AMBIGUOUS_ROOT,
      `found ${roots.length} binary-version CIFAR datasets (${roots.map((r) => tree.display(r.root) || '.').join(', ')}); pass the folder of one of them`,
      { file: tree.display(start) || tree.label },
    );
  }
  if (roots.length === 1) return roots[0]!;
  // No label-name file anywhere: the start folder's own .bin files, their length telling the version.
  const { batches, ...names } = await namesIn(tree, start);
  return batches.length > 0 ? { root: start, version: null, names, batches } : null;
}
