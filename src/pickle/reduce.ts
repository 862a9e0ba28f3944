/**
 * What the parts of the pickle writer hand each other: the pieces of CPython's and numpy's
 * `__reduce__` results that have no JS type of their own, and the refusal thrown for a value
 * Python cannot hold, with the path it names.
 */
import { PyTuple } from './values.js';

/** A module-level Python object (function or class), written as GLOBAL / STACK_GLOBAL. */
export class Global {
  readonly key: string;
  constructor(
    readonly module: string,
    readonly name: string,
  ) {
    this.key = `G${module}\n${name}`;
  }
}

/** A tuple created inside a __reduce__ call: never seen before, so never fetched from the memo. */
export class FreshTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A list created inside a __reduce__ call (an object array's elements). */
export class FreshList {
  constructor(readonly items: readonly unknown[]) {}
}

/** A bytes object created inside a __reduce__ call (`ndarray.tobytes()`, b'b'). */
export class FreshBytes {
  constructor(readonly data: Uint8Array) {}
}

/** A bytearray (protocol 5 `PickleBuffer` of a writable array), BYTEARRAY8. */
export class FreshByteArray {
  constructor(readonly data: Uint8Array) {}
}

/** A str that CPython shares between uses (interned names): memoized under `key`. */
export class SharedStr {
  constructor(
    readonly text: string,
    readonly key: string,
  ) {}
}

/** The str `bytes.decode('latin-1')` of protocol 2's `_codecs.encode(str, 'latin1')`. */
export class Latin1Str {
  constructor(readonly data: Uint8Array) {}
}

/** A `__reduce__` result: callable, argument tuple and the state BUILD passes to `__setstate__`. */
export interface Reduction {
  readonly callable: Global;
  readonly args: FreshTuple;
  readonly state: FreshTuple | null;
}

/** Thrown while writing; the containers on the way out add where it happened. */
export class Refusal extends Error {
  readonly segments: string[] = [];
}

export function refuse(what: string): never {
  throw new Refusal(what);
}

/** `root['data'][3]`; a very deep path keeps its first and last 8 steps. */
export function describePath(segments: string[]): string {
  if (segments.length <= 20) return `root${segments.join('')}`;
  const hidden = segments.length - 16;
  return `root${segments.slice(0, 8).join('')}...(${hidden} more levels)...${segments.slice(-8).join('')}`;
}

/** How a dict key appears in an error path. */
export function keyRepr(k: unknown): string {
  if (typeof k === 'string') {
    const s = k.length > 40 ? `${k.slice(0, 40)}...` : k;
    return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  }
  if (typeof k === 'number' || typeof k === 'bigint') return String(k);
  if (k === null) return 'None';
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  if (k instanceof Uint8Array) return `<bytes of ${k.length}>`;
  if (k instanceof PyTuple) return '<tuple>';
  return `<${typeof k}>`;
}
