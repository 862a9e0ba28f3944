import { describe, expect, it } from 'vitest';
import * as api from '../../src/api.js';
import * as pickle from '../../src/pickle/index.js';

describe('src/pickle/index.ts (the cifarkit/pickle subpath)', () => {
  it('exports the same pickle functions, classes and constants as the top-level API', () => {
    expect(Object.keys(pickle).sort()).toEqual(['DType', 'NdArray', 'PyTuple', 'allowedGlobals', 'readPickle', 'writePickle', 'writePickleChunks']);
    for (const [name, value] of Object.entries(pickle)) expect(api[name as keyof typeof api], name).toBe(value);
  });
});
