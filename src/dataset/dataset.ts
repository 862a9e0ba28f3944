/**
 * Dataset: items grouped in subsets, with label categories; Datumaro's central concept.
 */
import { ErrorCode, UsageError } from '../errors.js';
import { isMemoryFiles, memoryTree, type DatasetSource, type MemoryFiles } from '../formats/file-tree.js';
import { importSource } from '../formats/index.js';
import { LabelCategories } from './annotations.js';
import type { DatasetItem } from './item.js';

/** Opens a filesystem path as a source; provided by the runtime entry point (Node/Deno). */
export type PathOpener = (path: string) => Promise<DatasetSource>;

let openPath: PathOpener | null = null;

/** @internal Installed by the Node/Deno entry point; browsers have no filesystem paths. */
export function setPathOpener(opener: PathOpener | null): void {
  openPath = opener;
}

/** What `Dataset.importFrom` accepts. */
export type DatasetInput = string | MemoryFiles;

export interface FromIterableOptions {
  /** Label categories, or label names (or [name, parent] pairs). */
  labels?: LabelCategories | Iterable<string | readonly [string, string?]>;
}

export class Dataset implements Iterable<DatasetItem> {
  /** The format the dataset was imported from, if any. */
  readonly format: string | null;
  private readonly itemList: DatasetItem[];
  private readonly subsetNames: string[];
  readonly labels: LabelCategories;

  private constructor(items: DatasetItem[], labels: LabelCategories, subsets: string[] | null, format: string | null) {
    this.itemList = items;
    this.labels = labels;
    this.format = format;
    const names = subsets ? [...subsets] : [];
    for (const item of items) if (!names.includes(item.subset)) names.push(item.subset);
    this.subsetNames = names;
  }

  /** A dataset from items in memory. */
  static fromIterable(items: Iterable<DatasetItem>, options: FromIterableOptions = {}): Dataset {
    const labels = options.labels instanceof LabelCategories ? options.labels : LabelCategories.fromIterable(options.labels ?? []);
    return new Dataset([...items], labels, null, null);
  }

  /**
   * Reads a dataset from a path (Node, Deno) or from in-memory files (every runtime):
   * `Record<string, Uint8Array>`, `Map`, or `File[]`/`FileList`. The format is detected when omitted.
   */
  static async importFrom(input: DatasetInput, format?: string): Promise<Dataset> {
    let source: DatasetSource;
    if (typeof input === 'string') {
      if (!openPath) {
        throw new UsageError(
          ErrorCode.INVALID_ARGUMENT,
          'file paths can be read only in Node and Deno; in a browser pass the files themselves (File[], or a Record of path -> Uint8Array)',
        );
      }
      source = await openPath(input);
    } else if (isMemoryFiles(input)) {
      source = { tree: memoryTree(input), start: '' };
    } else {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'importFrom takes a path, a Record or Map of path -> bytes, or a list of File objects');
    }
    if (format !== undefined && typeof format !== 'string') {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'the format must be a string such as "cifar"');
    }
    const imported = await importSource(source, format);
    return new Dataset(imported.items, imported.labels, imported.subsets, imported.format);
  }

  /** Subset names, in the order the source defines (CIFAR: by file name). */
  subsets(): string[] {
    return [...this.subsetNames];
  }

  /** Number of items. */
  get size(): number {
    return this.itemList.length;
  }

  /** The items of one subset. */
  getSubset(name: string): DatasetItem[] {
    return this.itemList.filter((i) => i.subset === name);
  }

  /** The item with this id (in the given subset, or the first one found). */
  get(id: string, subset?: string): DatasetItem | undefined {
    return this.itemList.find((i) => i.id === id && (subset === undefined || i.subset === subset));
  }

  [Symbol.iterator](): Iterator<DatasetItem> {
    return this.itemList[Symbol.iterator]();
  }
}
