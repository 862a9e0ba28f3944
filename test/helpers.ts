/** Shared test helpers. */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { CifarkitError, setBackend, type BackendName } from '../src/api.js';

export const BACKENDS: BackendName[] = ['wasm', 'js'];

/** Runs `fn` with the given pixel backend, restoring 'auto' after. */
export async function withBackend<T>(backend: BackendName, fn: () => Promise<T> | T): Promise<T> {
  setBackend(backend);
  try {
    return await fn();
  } finally {
    setBackend('auto');
  }
}

export function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => {
    const code = c.charCodeAt(0);
    if (code > 0xff) throw new Error('test pickle text must be latin-1');
    return code;
  });
}

export function hex(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Asserts that `fn` throws (or rejects with) a CifarkitError with this code whose message contains every `mention`. */
export async function expectCifarkitError(fn: () => unknown, code: string, mentions: string[] = []): Promise<CifarkitError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an error').toBeInstanceOf(CifarkitError);
  const err = caught as CifarkitError;
  expect(err.code, err.message).toBe(code);
  for (const m of mentions) expect(err.message).toContain(m);
  return err;
}

/** Deterministic pseudo-random bytes (xorshift32), for test images. */
export function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
