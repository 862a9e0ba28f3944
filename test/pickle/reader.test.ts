import { describe, expect, it } from 'vitest';
import { DType, NdArray, readPickle } from '../../src/pickle/index.js';
import { ndarrayToUint8 } from '../../src/pickle/ndarray.js';
import { bytes, expectCifarkitError, hex } from '../helpers.js';

describe('readPickle: values', () => {
  it('reads Python 2 strings (BINSTRING, SHORT_BINSTRING) as exact byte views, no copy', () => {
    // {'k': '\x00\x80\xff' * 100} as cPickle protocol 2 writes it: SHORT_BINSTRING key, BINSTRING value
    const payload = new Uint8Array(300).map((_, i) => [0x00, 0x80, 0xff][i % 3]!);
    const head = bytes('\x80\x02}q\x01U\x01kq\x02T');
    const len = new Uint8Array(new Uint32Array([300]).buffer);
    const input = new Uint8Array([...head, ...len, ...payload, ...bytes('q\x03s.')]);
    const value = readPickle(input) as Map<unknown, unknown>;
    const [key, v] = [...value][0]!;
    expect(key).toEqual(bytes('k'));
    expect(v).toEqual(payload);
    expect((v as Uint8Array).buffer).toBe(input.buffer); // a view into the input
  });

  it('decodes protocol 0 STRING escapes to latin-1 text and UNICODE raw-unicode-escape', () => {
    const s = readPickle(bytes("S'\\x00\\xffa\\n\\'\\\\'\np0\n."));
    expect(s).toBe("\x00\xffa\n'\\");
    const u = readPickle(bytes('V\xe9\\u005c\\u000a\\u0416\np0\n.'));
    expect(u).toBe('é\\\nЖ');
  });

  it('reads protocol 2 bytes written by Python 3 (_codecs.encode) exactly, and keeps __proto__ a plain key', () => {
    // pickle.dumps({'__proto__': 1, 'a': b'\x00\xff'}, 2)
    const v = readPickle(
      hex('80027d71002858090000005f5f70726f746f5f5f71014b015801000000617102635f636f646563730a656e636f64650a7103580300000000c3bf710458060000006c6174696e317105867106527107752e'),
    ) as Map<unknown, unknown>;
    expect(v).toBeInstanceOf(Map);
    expect(Object.getPrototypeOf(v)).toBe(Map.prototype);
    expect(v.get('__proto__')).toBe(1);
    expect(v.get('a')).toEqual(new Uint8Array([0, 0xff]));
  });

  it('reads the same dict written with protocol 0', () => {
    const v = readPickle(bytes("(dp0\nV__proto__\np1\nI1\nsVa\np2\nc_codecs\nencode\np3\n(V\\u0000\xff\np4\nVlatin1\np5\ntp6\nRp7\ns.")) as Map<unknown, unknown>;
    expect(v.get('__proto__')).toBe(1);
    expect(v.get('a')).toEqual(new Uint8Array([0, 0xff]));
  });

  it('reads nested lists (protocol 1)', () => {
    expect(readPickle(hex('5d7100284b015d71014b0261652e'))).toEqual([1, [2]]);
  });

  it('rebuilds a Fortran-ordered uint8 array in C order', () => {
    const dt = new DType('u1');
    // 2x3 array [[1,2,3],[4,5,6]] stored column-major: 1 4 2 5 3 6
    const a = new NdArray().init([2, 3], dt, true, new Uint8Array([1, 4, 2, 5, 3, 6]));
    expect([...ndarrayToUint8(a)]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('readPickle: refusals', () => {
  it('refuses os.system before anything runs, naming the global', async () => {
    await expectCifarkitError(() => readPickle(bytes('\x80\x02cposix\nsystem\nq\x00X\x07\x00\x00\x00echo hiq\x01\x85q\x02Rq\x03.'), { file: 'evil.pkl' }), 'PICKLE_FORBIDDEN_GLOBAL', [
      "'posix.system'",
      'evil.pkl',
      'nothing was executed',
    ]);
    await expectCifarkitError(() => readPickle(bytes('cbuiltins\neval\np0\n(Vprint(1)\ntR.')), 'PICKLE_FORBIDDEN_GLOBAL', ["'builtins.eval'"]);
    // STACK_GLOBAL (protocol 4) names it too
    await expectCifarkitError(() => readPickle(bytes('\x80\x04\x8c\x02os\x8c\x06system\x93.')), 'PICKLE_FORBIDDEN_GLOBAL', ["'os.system'"]);
  });

  it('refuses a numpy global that is left uncalled', async () => {
    await expectCifarkitError(() => readPickle(bytes('cnumpy\ndtype\n.')), 'PICKLE_CORRUPT', ['never called']);
  });

  it('reports truncation with the offset, before allocating a declared huge length', async () => {
    // BINBYTES8 declaring 2^40 bytes in a 12-byte file
    const err = await expectCifarkitError(() => readPickle(bytes('\x80\x04\x8e\x00\x00\x00\x00\x00\x01\x00\x00.'), { file: 'tiny' }), 'PICKLE_TRUNCATED', [
      'tiny',
      'only 1 remain',
    ]);
    expect(err.offset).toBe(11);
    await expectCifarkitError(() => readPickle(bytes('\x80\x02]q\x00(K\x01K\x02')), 'PICKLE_TRUNCATED', ['truncated']);
    await expectCifarkitError(() => readPickle(new Uint8Array(0)), 'PICKLE_TRUNCATED');
  });

  it('refuses unknown opcodes and broken structure as corrupt', async () => {
    await expectCifarkitError(() => readPickle(bytes('\x80\x02\xff.')), 'PICKLE_CORRUPT', ['255']);
    await expectCifarkitError(() => readPickle(bytes('\x80\x02h\x05.')), 'PICKLE_CORRUPT'); // memo 5 never stored
    await expectCifarkitError(() => readPickle(bytes('\x80\x02a.')), 'PICKLE_CORRUPT'); // APPEND on an empty stack
    await expectCifarkitError(() => readPickle(bytes('\x89\x50\x4e\x47\r\n\x1a\n')), 'PICKLE_CORRUPT');
  });

  it('survives deep nesting without a stack overflow', () => {
    const depth = 100_000;
    const input = new Uint8Array(depth * 2 + 1);
    for (let i = 0; i < depth; i++) input[i] = 0x28; // MARK
    for (let i = 0; i < depth; i++) input[depth + i] = 0x74; // TUPLE
    input[2 * depth] = 0x2e;
    let v = readPickle(input) as unknown[];
    let n = 1;
    while (Array.isArray(v[0])) {
      v = v[0] as unknown[];
      n++;
    }
    expect(n).toBe(depth);
  });
});
