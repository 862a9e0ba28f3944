/**
 * A read-only view of a folder of files, the one thing format readers see. Paths inside a tree
 * are relative, '/'-separated, without '.' or '..' parts; '' is the root.
 *
 * The core builds trees from in-memory files (this module); `src/io/` builds them from disk.
 */
import type { CifarkitError } from '../errors.js';
import { DatasetExportError, DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import { DecodeBudget, resolveLimits, type ImportLimits } from '../limits.js';

export interface FileEntry {
  name: string;
  kind: 'file' | 'dir';
}

export interface FileTree {
  /** A short description of the root for messages (a path on disk, or '<memory>'). */
  readonly label: string;
  /** The entries of a folder, sorted by name; [] when the folder does not exist. */
  list(dir: string): Promise<FileEntry[]>;
  /** 'file', 'dir' or null when nothing is there. */
  kind(path: string): Promise<'file' | 'dir' | null>;
  /**
   * A file's bytes. Archive trees hand each file over once (see `peek`). With `options.into`, a
   * tree that can read into a caller's memory (files on disk) asks it for a buffer of the file's
   * size and returns the filled view of that buffer; a tree that cannot ignores it and returns
   * bytes of its own. Either way the caller gets the file's bytes.
   */
  read(path: string, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * True when `read` gives bytes no one else holds (archive trees hand each file over once): the
   * caller may keep and change them. Absent: the bytes may be someone else's (an in-memory
   * file is the caller's own Uint8Array), read only.
   */
  readonly handsOver?: boolean;
  /** A copy of a file's first `n` bytes that does not use up its one read (archive trees). */
  peek?(path: string, n: number): Promise<Uint8Array>;
  /**
   * What a `MemberPrepare` made of a file while its archive was still inflating, handed over once
   * (undefined when nothing was made, or after the first call). Archive trees only.
   */
  prepared?(path: string): unknown;
  /** Forgets everything made for `prepared` (an import that will not ask for it, or is done). */
  dropPrepared?(): void;
  /** How to name a file of this tree in messages. */
  display(path: string): string;
}

/** How to read a file (see `FileTree.read`). */
export interface ReadOptions {
  /**
   * Gives a buffer of at least `size` bytes to read the file into, e.g. one reused from file to
   * file (no fresh zero-filled memory, no garbage per file). The tree keeps no reference to it.
   */
  into?: (size: number) => Uint8Array;
}

/** Where to start reading: a tree and a path in it (a folder or a single file). */
export interface DatasetSource {
  tree: FileTree;
  start: string;
  /** The import's limits (src/limits.ts); the defaults when absent. */
  limits?: ImportLimits;
  /** The import's decode budget (src/limits.ts), shared by every file it reads; made on first use when absent. */
  budget?: DecodeBudget;
}

/** The decode budget of the import reading `source` (one per source, made on first use). */
export function budgetOf(source: DatasetSource): DecodeBudget {
  source.budget ??= new DecodeBudget(source.limits ?? resolveLimits(undefined));
  return source.budget;
}

/**
 * A tree whose reads count as input of the budget (files on disk or in memory): each file's
 * bytes once, however often it is read. Not for archive trees, whose files are inflated output.
 */
export function countingTree(tree: FileTree, budget: DecodeBudget): FileTree {
  const counted = new Set<string>();
  const count = (path: string, bytes: Uint8Array) => {
    if (!counted.has(path)) {
      counted.add(path);
      budget.addInput(bytes.length);
    }
    return bytes;
  };
  return {
    label: tree.label,
    ...(tree.handsOver ? { handsOver: true } : {}),
    list: (dir) => tree.list(dir),
    kind: (path) => tree.kind(path),
    read: async (path, options) => count(path, await tree.read(path, options)),
    ...(tree.peek ? { peek: (path: string, n: number) => tree.peek!(path, n) } : {}),
    display: (path) => tree.display(path),
  };
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Python's os.path.splitext on a base name: ('.bashrc' has no extension). */
export function splitExt(name: string): [string, string] {
  const dot = extensionStart(name);
  return dot === name.length ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
}

/** Where `splitExt`'s extension starts in `name` (its length when it has none). */
export function extensionStart(name: string): number {
  const start = name.lastIndexOf('/') + 1;
  const dot = name.lastIndexOf('.');
  if (dot <= start) return name.length;
  // Leading dots belong to the name ('..a' has no extension), as in Python.
  let k = start;
  while (k < dot && name.charCodeAt(k) === 0x2e) k++;
  return k === dot ? name.length : dot;
}

/** Normalises a relative path; rejects '..', empty and absolute forms. */
export function normalizeRelative(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  // As an archive entry would be: a name that climbs out of its root is refused as unsafe.
  if (parts.some((p) => p === '..')) {
    throw new DatasetImportError(ErrorCode.UNSAFE_PATH, `'${path}' climbs out of the files given ('..')`, { file: path });
  }
  if (parts.length === 0) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `'${path}' is not a valid relative file path`);
  }
  return parts.join('/');
}

/**
 * In-memory files: a record or Map of path -> bytes, or File objects (browser file inputs).
 *
 * @example
 * ```ts
 * import { Dataset, encodeImage, Image, type MemoryFiles } from 'cifarkit';
 *
 * const png = encodeImage(Image.fromHWC(new Uint8Array(3), 1, 1), '.png');
 * const files: MemoryFiles = new Map([['cat/1.png', png], ['dog/2.png', png]]);
 * const ds = await Dataset.importFrom(files, 'imagenet');
 * console.log([...ds.labels].map((l) => l.name), ds.size); // [ 'cat', 'dog' ] 2
 * ```
 */
export type MemoryFiles =
  | Record<string, Uint8Array | ArrayBuffer | Blob>
  | Map<string, Uint8Array | ArrayBuffer | Blob>
  | ArrayLike<File>
  | Iterable<File>;

type Loader = () => Promise<Uint8Array>;

function loaderOf(value: unknown, path: string): Loader {
  if (value instanceof Uint8Array) return async () => value;
  if (value instanceof ArrayBuffer) return async () => new Uint8Array(value);
  if (typeof Blob !== 'undefined' && value instanceof Blob) return async () => new Uint8Array(await value.arrayBuffer());
  throw new UsageError(ErrorCode.INVALID_ARGUMENT, `in-memory file '${path}' must be a Uint8Array, ArrayBuffer, Blob or File`);
}

function isFileLike(v: unknown): v is File {
  return typeof Blob !== 'undefined' && v instanceof Blob && typeof (v as File).name === 'string';
}

/** Whether a value can be used as in-memory files. */
export function isMemoryFiles(v: unknown): v is MemoryFiles {
  if (v instanceof Map) return true;
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v) || (typeof (v as { length?: unknown }).length === 'number' && typeof (v as { item?: unknown }).item === 'function')) return true;
  return Object.getPrototypeOf(v) === Object.prototype;
}

/** Builds a tree from in-memory files. File objects use `webkitRelativePath` when set, else `name`. */
export function memoryTree(files: MemoryFiles): FileTree {
  const loaders = new Map<string, Loader>();
  const dirs = new Map<string, Map<string, 'file' | 'dir'>>([['', new Map()]]);
  const add = (rawPath: string, value: unknown) => {
    const path = normalizeRelative(rawPath);
    if (loaders.has(path)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `in-memory file '${path}' is given twice`);
    loaders.set(path, loaderOf(value, path));
    let child = path;
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      let entries = dirs.get(dir);
      if (!entries) dirs.set(dir, (entries = new Map()));
      entries.set(basename(child), child === path ? 'file' : 'dir');
      if (dir === '') break;
      child = dir;
    }
  };
  if (files instanceof Map) for (const [p, v] of files) add(p, v);
  else if (Array.isArray(files) || typeof (files as ArrayLike<File>).length === 'number') {
    for (const f of Array.from(files as ArrayLike<File>)) {
      if (!isFileLike(f)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'a file list must hold File objects');
      add(f.webkitRelativePath || f.name, f);
    }
  } else for (const [p, v] of Object.entries(files)) add(p, v);

  for (const p of loaders.keys()) {
    if (dirs.has(p)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `'${p}' is given both as a file and as a folder`);
  }
  return {
    label: '<memory>',
    async list(dir) {
      const entries = dirs.get(dir);
      if (!entries) return [];
      return [...entries].map(([name, kind]) => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async kind(path) {
      if (path === '' || dirs.has(path)) return 'dir';
      return loaders.has(path) ? 'file' : null;
    },
    async read(path) {
      const load = loaders.get(path);
      if (!load) throw new UsageError(ErrorCode.FILE_NOT_FOUND, `no in-memory file '${path}'`, { file: path });
      return load();
    },
    display: (path) => path,
  };
}

/**
 * A path for an exported file, checked to stay inside the output folder: relative, no '..'
 * part, no NUL, no backslash (a separator on Windows), no drive letter. Legal odd names
 * (spaces, any Unicode, 'a/b/c') pass unchanged.
 */
export function safeOutputPath(path: string, what = 'file name'): string {
  const refuse = (why: string) => {
    throw new DatasetExportError(ErrorCode.UNSAFE_PATH, `${what} '${path.replace(/\0/g, '\\0')}' ${why}; refused so that nothing is written outside the output folder`);
  };
  if (typeof path !== 'string' || path === '') refuse('is empty');
  if (path.includes('\0')) refuse('contains a NUL character');
  if (path.includes('\\')) refuse('contains a backslash');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) refuse('is absolute');
  const parts = path.split('/');
  if (parts.some((p) => p === '..')) refuse("has a '..' part");
  const kept = parts.filter((p) => p !== '' && p !== '.');
  if (kept.length === 0) refuse('names no file');
  return kept.join('/');
}

/**
 * One output file: a relative '/'-separated path and its bytes (several chunks are written in order).
 *
 * @example
 * ```ts
 * import type { ExportedFile } from 'cifarkit';
 *
 * const file: ExportedFile = { path: 'labels.txt', data: [new TextEncoder().encode('cat\n'), new TextEncoder().encode('dog\n')] };
 * console.log(file.path); // labels.txt
 * ```
 */
export interface ExportedFile {
  /** The path in the output folder. */
  path: string;
  /** The bytes, or (images encoded on other threads) a promise of them. */
  data: Uint8Array | readonly Uint8Array[] | Promise<Uint8Array>;
  /**
   * Called by the consumer once it no longer needs `data` (written, or copied): the exporter may
   * then reuse that memory for a later file. A consumer that keeps `data` never calls it.
   */
  release?: () => void;
}

/**
 * A look at the first bytes of an archive member before it is collected (see `archiveSource`'s
 * `checkMember`): an error refuses the member; null lets it in.
 */
export type MemberCheck = (path: string, head: Uint8Array, archive: string) => CifarkitError | null;

/**
 * Work on an archive member as soon as its bytes are in, while the rest of the archive is still
 * inflating (see `archiveSource`'s `prepareMember`): what it returns is kept for the importer
 * (`FileTree.prepared`); undefined keeps nothing. It must not throw: a throw is dropped, as if it
 * had returned undefined.
 */
export type MemberPrepare = (path: string, data: Uint8Array, archive: string) => unknown;
