/**
 * How a transform declares and checks its options: the JS option checks (every refusal a
 * `UsageError` INVALID_ARGUMENT naming the transform and the option), and the declarative table of
 * its Datumaro command-line options, one line each: `option('-s --seed', 'seed', int(), 'the seed')`.
 */
import { ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../model/view.js';
import type { DatasetParts } from '../../model/subsets.js';

/**
 * An item reference: `[id]` (in every subset) or `[id, subset]`.
 *
 * @example
 * ```ts
 * import { Dataset, type ItemRef } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const refs: ItemRef[] = [['image_1', 'data_batch_1'], ['image_2']]; // image_2 in every subset
 * console.log(ds.transform('remove_items', { ids: refs }).size); // 3
 * ```
 */
export type ItemRef = readonly [id: string, subset?: string];

// ---- JS options -----------------------------------------------------------------------------

export function invalid(transform: string, option: string, detail: string, cause?: unknown): UsageError {
  return new UsageError(ErrorCode.INVALID_ARGUMENT, `${transform}: option '${option}' ${detail}`, cause === undefined ? {} : { cause });
}

/** A value as an error message shows it. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : typeof v === 'function' ? 'a function' : String(v);
}

/** Refuses option keys the transform does not know (a typo is an error, not a default). */
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

/**
 * Subset ratios given as a list of `[subset, ratio]` pairs, which may name a subset twice (each
 * transform decides what that means), or as a `Record` (see {@link pairList}).
 */
export function ratioList(transform: string, option: string, value: unknown): [string, number][] {
  if (!Array.isArray(value)) return pairList(transform, option, value, isNumber, 'ratio');
  return value.map((entry: unknown): [string, number] => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
      throw invalid(transform, option, `must be a list of [subset, ratio] pairs, got the entry ${JSON.stringify(entry) ?? show(entry)}`);
    }
    return [entry[0], entry[1]];
  });
}

/** Refuses an empty subset name and a ratio outside [0, 1]. */
export function checkRatios(transform: string, option: string, splits: readonly (readonly [string, number])[]): void {
  for (const [name, ratio] of splits) {
    if (name === '') throw invalid(transform, option, 'has an empty subset name');
    if (!(ratio >= 0 && ratio <= 1)) throw invalid(transform, option, `has the ratio ${ratio} for '${name}': ratios are in [0, 1]`);
  }
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

/** An optional subset-name option. */
export function optionalSubset(transform: string, option: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw invalid(transform, option, `must be a subset name, got ${show(value)}`);
  return value;
}

/** A random 32-bit seed, for a transform called without one (as Datumaro, which seeds from the OS). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

// ---- The command line -----------------------------------------------------------------------

/** A transform as the registry knows it. */
export interface TransformEntry {
  summary: string;
  run(dataset: DatasetView, options: never): DatasetParts;
  /** Command-line options, as Datumaro's. */
  args: ArgSpec[];
}

/** One command-line option of a transform. */
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

/** What an option's value is: its name in the usage text and its parser (which throws a message string). */
export interface ValueType {
  metavar: string;
  parse(value: string): unknown;
}

/** An option with a value: `option('-s --seed', 'seed', int(), 'the seed')`; flags are separated by spaces. */
export function option(flags: string, key: string, type: ValueType, help: string): ArgSpec {
  return { flags: flags.split(' '), key, metavar: type.metavar, help, parse: type.parse };
}

/** An option that may be given several times; its values are collected in a list. */
export function repeated(flags: string, key: string, type: ValueType, help: string): ArgSpec {
  return { ...option(flags, key, type, help), repeat: true };
}

/** A switch without a value (argparse's `store_true`). */
export function flag(flags: string, key: string, help: string): ArgSpec {
  return { flags: flags.split(' '), key, metavar: '', help, flag: true, parse: () => true };
}

/** Any string. */
export function text(metavar: string): ValueType {
  return { metavar, parse: (v) => v };
}

/** An integer (argparse `type=int`), optionally at least `min` and at most `max`. */
export function int(min?: number, max?: number, metavar = '<int>'): ValueType {
  const range = max !== undefined ? ` ${min ?? Number.MIN_SAFE_INTEGER}-${max}` : min !== undefined ? ` >= ${min}` : '';
  return {
    metavar,
    parse: (v) => {
      const n = Number(v);
      if (!/^\s*[+-]?\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < (min ?? -Infinity) || n > (max ?? Infinity)) throw `expected an integer${range}, got '${v}'`;
      return n;
    },
  };
}

/** One of a few names (argparse `choices`). */
export function choice(choices: readonly string[], metavar = choices.join('|')): ValueType {
  return {
    metavar,
    parse: (v) => {
      if (!choices.includes(v)) throw `expected one of ${choices.join(', ')}, got '${v}'`;
      return v;
    },
  };
}

/** `<a>:<b>` with exactly one ':', as `[a, b]`; with `second`, b is parsed by it. */
export function pair(metavar: string, second: (part: string, whole: string) => unknown = (part) => part): ValueType {
  return {
    metavar,
    parse: (v) => {
      const parts = v.split(':');
      if (parts.length !== 2) throw `expected '${metavar}' (one ':'), got '${v}'`;
      return [parts[0]!, second(parts[1]!, v)];
    },
  };
}

/** `<subset>:<ratio>`, the ratio a number. */
export const RATIO_PAIR = pair('<subset>:<ratio>', (ratio, whole) => {
  const r = ratio.trim() === '' ? NaN : Number(ratio);
  if (Number.isNaN(r)) throw `'${ratio}' is not a number in '${whole}'`;
  return r;
});

/** `<id>:<subset>` at the last ':' (ids may contain ':'); `<id>` alone means every subset. */
export const ITEM_ID: ValueType = {
  metavar: '<id>:<subset>',
  parse: (value): ItemRef => {
    const at = value.lastIndexOf(':');
    if (value === '' || at === 0) throw `expected '<id>:<subset>' or '<id>', got '${value}'`;
    return at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
  },
};

/** `--id <id>:<subset>` (repeatable), Datumaro's way to name items. */
export const ID_ARG = repeated('--id', 'ids', ITEM_ID, "an item, as '<id>:<subset>' ('<id>' alone: in every subset) (repeatable)");
