import { describe, expect, it } from 'vitest';
import * as api from '../../src/api.js';
import * as pickle from '../../src/pickle/index.js';

describe('src/pickle/index.ts (the cifarkit/pickle subpath)', () => {
  it('exports the pickle functions, classes and constants, which the top-level API no longer does', () => {
    expect(Object.keys(pickle).sort()).toEqual(['DType', 'NdArray', 'PyTuple', 'allowedGlobals', 'readPickle', 'writePickle', 'writePickleChunks']);
    for (const name of Object.keys(pickle)) expect(name in api, name).toBe(false);
  });
});
