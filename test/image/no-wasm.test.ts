import { afterEach, describe, expect, it, vi } from 'vitest';

describe('without WebAssembly', () => {
  const saved = globalThis.WebAssembly;
  afterEach(() => {
    globalThis.WebAssembly = saved;
    vi.resetModules();
  });

  it("'auto' falls back to the TS kernels and 'wasm' is refused with BACKEND_UNAVAILABLE", async () => {
    vi.resetModules();
    // @ts-expect-error simulating a runtime without WebAssembly
    delete globalThis.WebAssembly;
    const { getBackend, setBackend, Image, CifarkitError } = await import('../../src/api.js');
    expect(getBackend()).toBe('js');
    let caught: unknown;
    try {
      setBackend('wasm');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CifarkitError);
    expect((caught as InstanceType<typeof CifarkitError>).code).toBe('BACKEND_UNAVAILABLE');
    expect((caught as Error).message).toContain('WebAssembly is not available');
    const img = Image.fromCHW(new Uint8Array([1, 2, 3]), 1, 1);
    expect([...img.data]).toEqual([1, 2, 3]);
  });
});
