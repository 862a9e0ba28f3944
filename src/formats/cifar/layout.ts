/**
 * Finding a CIFAR dataset in a tree: the folder that holds the meta file (searched up to
 * MAX_SEARCH_DEPTH levels down, as Datumaro does) and its subset files (regular files without
 * an extension beside it; dotfiles, files with an extension and folders are not subsets).
 */
import { DatasetImportError, ErrorCode } from '../../errors.js';
import { compareCodePoints } from '../../strings.js';
import { basename, dirname, joinPath, splitExt, type DatasetSource, type FileTree } from '../../sources/file-tree.js';
import { MAX_SEARCH_DEPTH, META_100_FILE, META_10_FILE } from './constants.js';

export interface CifarLayout {
  /** The folder of the dataset. */
  root: string;
  /** The meta file's path, or null when there is none. */
  meta: string | null;
  /** Subset file paths, in {@link compareSubsetNames} order. */
  subsets: string[];
}

const TRAIN_BATCH = /^data_batch_(\d+)$/;

/** The group of a subset name in the import order, and its number within data_batch_N. */
function subsetRank(name: string): [number, number] {
  if (name === 'train') return [0, 0];
  const batch = TRAIN_BATCH.exec(name);
  if (batch) return [1, Number(batch[1])];
  if (name === 'test') return [2, 0];
  if (name === 'test_batch') return [3, 0];
  return [4, 0];
}

/**
 * The order of a CIFAR dataset's subsets, and so of its items (`toTensor`, `batches`): training
 * data before test data, as torchvision loads them. `train`, then `data_batch_N` by N
 * (`data_batch_2` before `data_batch_10`), then `test`, `test_batch`, then every other name by
 * Unicode code points. Names that compare equal as numbers (`data_batch_01`, `data_batch_1`) fall
 * back to code points, so the order is total.
 */
export function compareSubsetNames(a: string, b: string): number {
  const [ga, na] = subsetRank(a);
  const [gb, nb] = subsetRank(b);
  return ga - gb || na - nb || compareCodePoints(a, b);
}

function bySubsetName(paths: string[]): string[] {
  return paths.sort((a, b) => compareSubsetNames(basename(a), basename(b)));
}

const META_FILES = [META_10_FILE, META_100_FILE];

/** The names the CIFAR files have in every real archive (Python 2 CIFAR-10/100 and Datumaro's). */
const CIFAR_FILE_NAME = /^(data_batch_\d+|test_batch|train|test|batches\.meta|meta)$/;

/**
 * Whether a file's first bytes can begin a pickled dict: PROTO 2-5 (`80 0N`), or protocol 0/1's
 * MARK (`(`) or EMPTY_DICT (`}`); a CIFAR batch and meta file are always a dict.
 */
export function startsLikePickledDict(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  if (head[0] === 0x80) return head.length < 2 || (head[1]! >= 2 && head[1]! <= 5);
  return head[0] === 0x28 || head[0] === 0x7d;
}

/**
 * The member check for archives (see `archiveSource`'s `checkMember`): for an entry named like
 * a CIFAR batch or meta file whose first bytes cannot begin a pickle, the error its read gives;
 * its (possibly gigabytes of) bytes are not collected. (A later entry of the same path, which
 * replaces it as in extraction, is read as usual.)
 */
export function checkCifarMember(path: string, head: Uint8Array, label: string): DatasetImportError | null {
  if (!CIFAR_FILE_NAME.test(basename(path)) || startsLikePickledDict(head)) return null;
  const shown = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new DatasetImportError(ErrorCode.PICKLE_CORRUPT, `named like a CIFAR file but its first bytes (${shown}) cannot begin a pickled dict; its bytes were not kept`, {
    file: `${label}/${path}`,
  });
}

function isSubsetFile(name: string): boolean {
  return !name.startsWith('.') && splitExt(name)[1] === '' && !META_FILES.includes(name);
}

async function metaIn(tree: FileTree, dir: string): Promise<string | null> {
  const entries = await tree.list(dir);
  for (const meta of META_FILES) {
    if (entries.some((e) => e.kind === 'file' && e.name === meta)) return joinPath(dir, meta);
  }
  return null;
}

async function subsetsIn(tree: FileTree, dir: string): Promise<string[]> {
  const entries = await tree.list(dir);
  return bySubsetName(entries.filter((e) => e.kind === 'file' && isSubsetFile(e.name)).map((e) => joinPath(dir, e.name)));
}

/**
 * No meta file anywhere: the start folder still is a CIFAR dataset (with the default label
 * names) when it holds subset files and every one of them starts like a binary pickle.
 */
async function bareBatches(tree: FileTree, dir: string): Promise<CifarLayout | null> {
  const subsets = await subsetsIn(tree, dir);
  if (subsets.length === 0) return null;
  for (const path of subsets) {
    const head = tree.peek ? await tree.peek(path, 2) : await tree.read(path);
    if (head[0] !== 0x80 || head.length < 2 || head[1]! < 2 || head[1]! > 5) return null;
  }
  return { root: dir, meta: null, subsets };
}

/** The CIFAR layout at a source, or null when there is none. Throws when several roots are found. */
export async function findLayout(source: DatasetSource): Promise<CifarLayout | null> {
  const { tree, start } = source;
  const kind = await tree.kind(start);
  if (kind === null) return null;
  if (kind === 'file') {
    const dir = dirname(start);
    if (META_FILES.includes(basename(start))) return { root: dir, meta: start, subsets: await subsetsIn(tree, dir) };
    // A single batch file: import just that subset, with the meta file beside it if any.
    return { root: dir, meta: await metaIn(tree, dir), subsets: [start] };
  }
  const roots: string[] = [];
  let level = [start];
  for (let depth = 0; depth <= MAX_SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const meta = await metaIn(tree, dir);
      if (meta !== null) {
        roots.push(meta);
        continue; // a dataset's own folders are not searched for more datasets
      }
      for (const e of await tree.list(dir)) {
        if (e.kind === 'dir' && !e.name.startsWith('.')) next.push(joinPath(dir, e.name));
      }
    }
    level = next;
  }
  if (roots.length === 0) return bareBatches(tree, start);
  if (roots.length > 1) {
    throw new DatasetImportError(
      ErrorCode.AMBIGUOUS_ROOT,
      `found ${roots.length} CIFAR datasets (${roots.map((r) => tree.display(dirname(r)) || '.').join(', ')}); pass the folder of one of them`,
      { file: tree.display(start) || tree.label },
    );
  }
  const meta = roots[0]!;
  return { root: dirname(meta), meta, subsets: await subsetsIn(tree, dirname(meta)) };
}
