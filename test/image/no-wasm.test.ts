import { readdirSync, readFileSync } from 'node:fs';
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

  it('Hugging Face parquet (snappy, zstd, gzip pages) reads and writes without WebAssembly', async () => {
    const root = new URL('../fixtures/parquet/', import.meta.url).pathname;
    const inputs = { 'hub-hyparquet/cifar10': 24, 'hub-duckdb/cifar10': 24, 'hub-duckdb/cifar100': 18 };
    const files = Object.keys(inputs).map((input) => {
      const out: Record<string, Uint8Array> = {};
      const walk = (rel: string) => {
        for (const e of readdirSync(root + input + rel, { withFileTypes: true })) {
          if (e.isDirectory()) walk(`${rel}/${e.name}`);
          else out[`${rel}/${e.name}`.slice(1)] = new Uint8Array(readFileSync(`${root}${input}${rel}/${e.name}`));
        }
      };
      walk('');
      return out;
    });
    vi.resetModules();
    // Node's Response and fetch (undici, which importFrom's input checks touch) compile its HTTP
    // parser to wasm when first loaded: load them while WebAssembly is still there.
    void globalThis.Response;
    void globalThis.fetch;
    // @ts-expect-error simulating a runtime without WebAssembly
    delete globalThis.WebAssembly;
    const { Dataset, getBackend } = await import('../../src/api.js');
    expect(getBackend()).toBe('js');
    for (const [k, [input, size]] of Object.entries(inputs).entries()) {
      const ds = await Dataset.importFrom(files[k]!);
      expect(ds.size, input).toBe(size);
      const back = await Dataset.importFrom(await ds.exportToFiles('hf_parquet'));
      expect([...back].map((i) => i.media!.data.join())).toEqual([...ds].map((i) => i.media!.data.join()));
    }
  });
});
