/**
 * Whether a dataset's files are the untouched official CIFAR-10/100 (Python version): the md5 of
 * each file named like one of the original archive's, against the list torchvision checks
 * (datasets/cifar.py: `train_list`, `test_list`, `meta`).
 *
 * The md5s are taken while importing, from the bytes as read (before a format reuses the buffer),
 * and only when asked (`Dataset.importFrom(..., { checksums: true })`, which `cifarkit validate`
 * does), and only for files with an official name: other files cost nothing.
 */
import { createMD5 } from 'hash-wasm';
import { basename, type FileTree } from '../sources/file-tree.js';

/**
 * The official datasets whose files validate knows the md5 of.
 *
 * @example
 * ```ts
 * import { OFFICIAL_FILE_MD5, type OfficialDataset } from 'cifarkit';
 *
 * const dataset: OfficialDataset = 'cifar-100';
 * console.log(Object.keys(OFFICIAL_FILE_MD5[dataset])); // [ 'train', 'test', 'meta' ]
 * ```
 */
export type OfficialDataset = 'cifar-10' | 'cifar-100';

/**
 * Per official file name, its md5 in the original archive (torchvision's datasets/cifar.py).
 *
 * @example
 * ```ts
 * import { OFFICIAL_FILE_MD5 } from 'cifarkit';
 *
 * console.log(OFFICIAL_FILE_MD5['cifar-10']['test_batch']); // 40351d587109b95175f43aff81a1287e
 * ```
 */
export const OFFICIAL_FILE_MD5: Readonly<Record<OfficialDataset, Readonly<Record<string, string>>>> = {
  'cifar-10': {
    data_batch_1: 'c99cafc152244af753f735de768cd75f',
    data_batch_2: 'd4bba439e000b95fd0a9bffe97cbabec',
    data_batch_3: '54ebc095f3ab1f0389bbae665268c751',
    data_batch_4: '634d18415352ddfa80567beed471001a',
    data_batch_5: '482c414d41f54cd18b22e5b47cb7c3cb',
    test_batch: '40351d587109b95175f43aff81a1287e',
    'batches.meta': '5ff9c542aee3614f3951f8cda6e48888',
  },
  'cifar-100': {
    train: '16019d7e3df5f24257cddd939b257f8d',
    test: 'f0ef6b0ae62326f3e7ffdfab6717acfc',
    meta: '7973b15100ade9c7d40fb424638fde48',
  },
};

/**
 * A file an import read, with its md5 (see `Dataset.fileChecksums`).
 *
 * @example
 * ```ts
 * import { Dataset, type FileChecksum } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar', { checksums: true });
 * const meta: FileChecksum = ds.fileChecksums![0]!;
 * console.log(meta.name, meta.bytes, meta.md5); // batches.meta 70 b28a0d9e1a3a3a70dc7485212205360c
 * ```
 */
export interface FileChecksum {
  /** The file as the source names it (a path, or an archive member). */
  file: string;
  /** Its base name. */
  name: string;
  /** Its size in bytes. */
  bytes: number;
  /** Its md5, hex. */
  md5: string;
}

const OFFICIAL_NAMES = new Set(Object.values(OFFICIAL_FILE_MD5).flatMap((m) => Object.keys(m)));

let hasher: Awaited<ReturnType<typeof createMD5>> | null = null;

async function md5Hex(bytes: Uint8Array): Promise<string> {
  hasher ??= await createMD5();
  hasher.init();
  hasher.update(bytes);
  return hasher.digest('hex');
}

/** A tree that records the md5 of every file with an official name it hands out, into `out`. */
export function checksummingTree(tree: FileTree, out: FileChecksum[]): FileTree {
  return {
    label: tree.label,
    ...(tree.handsOver ? { handsOver: true } : {}),
    list: (dir) => tree.list(dir),
    kind: (path) => tree.kind(path),
    display: (path) => tree.display(path),
    ...(tree.peek ? { peek: (path: string, n: number) => tree.peek!(path, n) } : {}),
    ...(tree.prepared ? { prepared: (path: string) => tree.prepared!(path), dropPrepared: () => tree.dropPrepared?.() } : {}),
    async read(path, options) {
      const bytes = await tree.read(path, options);
      const name = basename(path);
      if (OFFICIAL_NAMES.has(name)) out.push({ file: tree.display(path), name, bytes: bytes.length, md5: await md5Hex(bytes) });
      return bytes;
    },
  };
}

/**
 * validate's verdict on the files: `summary.officialFiles` of a {@link ValidationReport}.
 *
 * @example
 * ```ts
 * import { Dataset, type OfficialFilesCheck } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar', { checksums: true });
 * const check: OfficialFilesCheck = ds.validate({ duplicates: false }).summary.officialFiles;
 * console.log(check.verdict, check.dataset, check.missing.length); // modified cifar-10 4
 * ```
 */
export interface OfficialFilesCheck {
  /**
   * - 'official': every file of the official set was read and matches;
   * - 'incomplete': the files read match, but some of the set were not read (e.g. one batch alone);
   * - 'modified': a file named like an official one has other bytes;
   * - 'not-official': no file has an official name (another layout, format or version);
   * - 'not-checked': the import recorded no checksums (import with `checksums: true`).
   */
  verdict: 'official' | 'incomplete' | 'modified' | 'not-official' | 'not-checked';
  /** The official set the files were compared with. */
  dataset: OfficialDataset | null;
  /** Each file read with an official name: its md5, the official one, whether they are equal. */
  files: {
    /** The file as the source names it. */
    file: string;
    /** Its official name. */
    name: string;
    /** Its md5. */
    md5: string;
    /** The official md5. */
    expected: string;
    /** Whether the two are equal. */
    match: boolean;
  }[];
  /** Official files of the set that were not read. */
  missing: string[];
}

/** Compares the checksums an import recorded with the official list; null checksums: not checked. */
export function officialFilesCheck(checksums: readonly FileChecksum[] | null): OfficialFilesCheck {
  if (checksums === null) return { verdict: 'not-checked', dataset: null, files: [], missing: [] };
  const score = (d: OfficialDataset) => checksums.filter((c) => c.name in OFFICIAL_FILE_MD5[d]).length;
  const c10 = score('cifar-10');
  const c100 = score('cifar-100');
  if (c10 === 0 && c100 === 0) return { verdict: 'not-official', dataset: null, files: [], missing: [] };
  const dataset: OfficialDataset = c10 >= c100 ? 'cifar-10' : 'cifar-100';
  const list = OFFICIAL_FILE_MD5[dataset];
  const files = checksums
    .filter((c) => c.name in list)
    .map((c) => ({ file: c.file, name: c.name, md5: c.md5, expected: list[c.name]!, match: c.md5 === list[c.name] }));
  const missing = Object.keys(list).filter((name) => !files.some((f) => f.name === name));
  const verdict = files.some((f) => !f.match) ? 'modified' : missing.length > 0 ? 'incomplete' : 'official';
  return { verdict, dataset, files, missing };
}

/**
 * One line for people: what the official-files check ({@link OfficialFilesCheck}) found.
 *
 * @example
 * ```ts
 * import { Dataset, describeOfficialFiles } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar', { checksums: true });
 * console.log(describeOfficialFiles(ds.validate({ duplicates: false }).summary.officialFiles)); // not the official CIFAR-10: batches.meta, data_batch_1, test_batch differ from the official md5 (0 of 7 match)
 * ```
 */
export function describeOfficialFiles(check: OfficialFilesCheck): string {
  const name = check.dataset === 'cifar-100' ? 'CIFAR-100' : 'CIFAR-10';
  const total = check.files.length + check.missing.length;
  switch (check.verdict) {
    case 'not-checked':
      return 'not checked (no checksums were taken on import)';
    case 'not-official':
      return 'no file named like the official Python-version files (data_batch_1..5, test_batch, batches.meta; train, test, meta)';
    case 'official':
      return `the untouched official ${name} (${total} of ${total} files match torchvision's md5 list)`;
    case 'incomplete':
      return `${check.files.length} of ${total} official ${name} files read, all untouched; not read: ${check.missing.join(', ')}`;
    case 'modified': {
      const differ = check.files.filter((f) => !f.match).map((f) => f.name);
      return `not the official ${name}: ${differ.join(', ')} ${differ.length === 1 ? 'differs' : 'differ'} from the official md5 (${check.files.length - differ.length} of ${total} match)`;
    }
  }
}
