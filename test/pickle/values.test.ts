import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPickle } from '../../src/pickle/reader.js';
import { DType, NdArray, PyTuple, pyTypeName } from '../../src/pickle/values.js';
import { writePickle } from '../../src/pickle/writer.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('pyTypeName', () => {
  it('names every kind of value the reader returns by its Python type', () => {
    const u1 = new NdArray().init([2], new DType('u1'), false, new Uint8Array(2));
    const cases: [unknown, string][] = [
      [null, 'None'],
      [undefined, 'None'],
      [true, 'bool'],
      [false, 'bool'],
      [0, 'int'],
      [-7, 'int'],
      [0.5, 'float'],
      [NaN, 'float'],
      [Infinity, 'float'],
      [2n ** 70n, 'int'],
      ['', 'str'],
      ['é', 'str'],
      [new Uint8Array([1]), 'bytes'],
      [Buffer.from('ab'), 'bytes'],
      [[], 'list'],
      [[1, 'a'], 'list'],
      [new Map(), 'dict'],
      [u1, 'numpy.ndarray'],
      [new DType('f8'), 'numpy.dtype'],
      [{}, 'object'],
      [new PyTuple([1]), 'object'],
    ];
    expect(cases.map(([v]) => pyTypeName(v))).toEqual(cases.map(([, name]) => name));
  });

  it('names the numpy values readPickle builds', () => {
    const a = readPickle(writePickle(new NdArray().init([1, 3], new DType('i4'), false, new Uint8Array(12)))) as NdArray;
    expect([pyTypeName(a), pyTypeName(a.dtype)]).toEqual(['numpy.ndarray', 'numpy.dtype']);
  });

  it('gives the same names in a minified bundle, where the classes are renamed', async () => {
    // The old pyTypeName compared constructor.name with 'NdArray'; a minifier renames the class.
    const entry = `
      import { DType, NdArray, pyTypeName } from './src/pickle/values.ts';
      const a = new NdArray().init([1], new DType('u1'), false, new Uint8Array(1));
      globalThis.__pyTypeNames = {
        names: [pyTypeName(a), pyTypeName(a.dtype)],
        classNames: [a.constructor.name, a.dtype.constructor.name],
      };`;
    const result = await build({
      stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'neutral',
      write: false,
      logLevel: 'silent',
    });
    const scope = globalThis as { __pyTypeNames?: { names: string[]; classNames: string[] } };
    new Function(result.outputFiles[0]!.text)();
    const out = scope.__pyTypeNames!;
    delete scope.__pyTypeNames;
    expect(out.classNames).not.toContain('NdArray');
    expect(out.classNames).not.toContain('DType');
    expect(out.names).toEqual(['numpy.ndarray', 'numpy.dtype']);
  });
});
