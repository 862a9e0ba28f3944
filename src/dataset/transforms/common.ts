/**
 * What the transforms share: the result type, option checks, item references and the
 * command-line argument specs of the registry in ../transforms.ts.
 */
import { ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../formats/format.js';
import { LabelCategories, type Annotation } from '../../model/annotations.js';
import { DatasetItem } from '../../model/item.js';

/** What every dataset operation (filter, transform, merge) produces. */
export interface DatasetParts {
  items: DatasetItem[];
  labels: LabelCategories;
  /** Subset names in order (only subsets that have items). */
  subsets: string[];
}

/** An item reference: `[id]` (in every subset) or `[id, subset]`. */
export type ItemRef = readonly [id: string, subset?: string];

/** A copy of label categories (datasets never share a mutable `LabelCategories`). */
export function copyLabels(labels: LabelCategories): LabelCategories {
  return LabelCategories.fromIterable(labels.items.map((l) => ({ name: l.name, parent: l.parent })));
}

/** `order` restricted to the subsets that have items, then any other subset of `items` by first use. */
export function presentSubsets(order: Iterable<string>, items: Iterable<DatasetItem>): string[] {
  const used = new Set<string>();
  for (const item of items) used.add(item.subset);
  const out: string[] = [];
  for (const name of order) if (used.has(name) && !out.includes(name)) out.push(name);
  for (const name of used) if (!out.includes(name)) out.push(name);
  return out;
}

export function invalid(transform: string, option: string, detail: string, cause?: unknown): UsageError {
  return new UsageError(ErrorCode.INVALID_ARGUMENT, `${transform}: option '${option}' ${detail}`, cause === undefined ? {} : { cause });
}

export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : typeof v === 'function' ? 'a function' : String(v);
}

export function checkKeys(transform: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${transform}: unknown option '${key}' (known: ${known.join(', ') || 'none'})`);
    }
  }
}

/** A `Record` or a list of pairs, as an ordered list of pairs (later pairs win, as in Python's `dict()`). */
export function pairList<V>(transform: string, option: string, value: unknown, check: (v: unknown) => v is V, what: string): [string, V][] {
  let entries: unknown[];
  if (Array.isArray(value)) entries = value;
  else if (value !== null && typeof value === 'object' && !(value instanceof Map)) entries = Object.entries(value);
  else throw invalid(transform, option, `must be an object or a list of [name, ${what}] pairs, got ${show(value)}`);
  const map = new Map<string, V>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !check(entry[1])) {
      throw invalid(transform, option, `must map names to ${what}s; got the entry ${JSON.stringify(entry) ?? show(entry)}`);
    }
    map.set(entry[0], entry[1] as V);
  }
  return [...map];
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number';

export function itemRefs(transform: string, option: string, value: unknown): ItemRef[] {
  if (!Array.isArray(value)) throw invalid(transform, option, `must be a list of [id, subset] pairs, got ${show(value)}`);
  return value.map((ref) => {
    if (!Array.isArray(ref) || ref.length < 1 || ref.length > 2 || typeof ref[0] !== 'string' || (ref[1] !== undefined && typeof ref[1] !== 'string')) {
      throw invalid(transform, option, `must be a list of [id, subset] pairs (subset optional), got the entry ${JSON.stringify(ref) ?? show(ref)}`);
    }
    return ref[1] === undefined ? ([ref[0]] as const) : ([ref[0], ref[1]] as const);
  });
}

export function refMatcher(refs: readonly ItemRef[]): (item: DatasetItem) => boolean {
  const exact = new Set<string>();
  const anySubset = new Set<string>();
  for (const [id, subset] of refs) {
    if (subset === undefined) anySubset.add(id);
    else exact.add(key(subset, id));
  }
  return (item) => anySubset.has(item.id) || exact.has(key(item.subset, item.id));
}

export function key(subset: string, id: string): string {
  return `${subset}\u0000${id}`;
}

/** Refuses a result where two different source items end up with the same (subset, id). */
export function assertUnique(transform: string, pairs: readonly (readonly [DatasetItem, DatasetItem])[]): void {
  const seen = new Map<string, DatasetItem>();
  for (const [source, result] of pairs) {
    const k = key(result.subset, result.id);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, source);
    else if (key(first.subset, first.id) !== key(source.subset, source.id)) {
      throw new UsageError(
        ErrorCode.DUPLICATE_ITEM,
        `${transform} would give two items the id '${result.id}' in subset '${result.subset}': '${first.id}' (subset '${first.subset}') and '${source.id}' (subset '${source.subset}')`,
        { item: result.id },
      );
    }
  }
}

export function withItem(item: DatasetItem, change: Partial<{ id: string; subset: string; media: DatasetItem['media']; annotations: Annotation[]; attributes: Record<string, unknown> }>): DatasetItem {
  return new DatasetItem({
    id: change.id ?? item.id,
    subset: change.subset ?? item.subset,
    media: 'media' in change ? change.media : item.media,
    annotations: change.annotations ?? item.annotations,
    attributes: change.attributes ?? item.attributes,
  });
}

export function labelOf(dataset: DatasetView, transform: string, item: DatasetItem, index: number): string {
  const cat = dataset.labels.items[index];
  if (!cat) {
    throw new UsageError(ErrorCode.LABEL_OUT_OF_RANGE, `${transform}: label index ${index} is outside the ${dataset.labels.length} label categories`, {
      item: item.id,
    });
  }
  return cat.name;
}

export interface TransformEntry {
  summary: string;
  run(dataset: DatasetView, options: never): DatasetParts;
  /** Command-line options, as Datumaro's. */
  args: ArgSpec[];
}

export interface ArgSpec {
  flags: string[];
  /** The option key it fills. */
  key: string;
  metavar: string;
  help: string;
  repeat?: boolean;
  /** A switch without a value (argparse's `store_true`): sets the key to `true`. */
  flag?: boolean;
  /** Parses one value (throws a message string on bad input). */
  parse(value: string): unknown;
}

/** An integer argument (argparse `type=int`), optionally at least `min`. */
export function intArg(min = Number.MIN_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
      throw min === Number.MIN_SAFE_INTEGER ? `expected an integer, got '${value}'` : `expected an integer >= ${min}, got '${value}'`;
    }
    return Number(value);
  };
}

/** One of a few names (argparse `choices`). */
export function choiceArg(choices: readonly string[]): (value: string) => string {
  return (value) => {
    if (!choices.includes(value)) throw `expected one of ${choices.join(', ')}, got '${value}'`;
    return value;
  };
}

/** An optional integer option: undefined, or a safe integer (at least `min`). */
export function optionalInt(transform: string, option: string, value: unknown, min = Number.MIN_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(transform, option, `must be an integer${min === Number.MIN_SAFE_INTEGER ? '' : ` >= ${min}`}, got ${show(value)}`);
  }
  return value;
}

/** An optional string option from a fixed list. */
export function optionalChoice<T extends string>(transform: string, option: string, value: unknown, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalid(transform, option, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** A random 32-bit seed, for a transform called without one (as Datumaro, which seeds from the OS). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** Python's `str` order (code points; JavaScript's `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800-DFFF, the code points above U+FFFF) sort after U+E000-FFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

export function colonPair(value: string, what: string): [string, string] {
  const parts = value.split(':');
  if (parts.length !== 2) throw `expected '${what}' (one ':'), got '${value}'`;
  return [parts[0]!, parts[1]!];
}

/** `<id>:<subset>` at the last ':' (ids may contain ':'); `<id>` alone means every subset. */
export function idArg(value: string): ItemRef {
  const at = value.lastIndexOf(':');
  if (value === '' || at === 0) throw `expected '<id>:<subset>' or '<id>', got '${value}'`;
  return at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
}

export const ID_ARG: ArgSpec = {
  flags: ['--id'],
  key: 'ids',
  metavar: '<id>:<subset>',
  help: "an item, as '<id>:<subset>' ('<id>' alone: in every subset) (repeatable)",
  repeat: true,
  parse: idArg,
};
