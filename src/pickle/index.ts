/**
 * `cifarkit/pickle`: the safe pickle codec under the CIFAR format, for reading and writing other
 * pickled data the same way (no code from a file ever runs; see docs/SECURITY.md).
 */
export { readPickle, allowedGlobals, type ReadPickleOptions } from './reader.js';
export { writePickle, writePickleChunks, PyTuple, type PyWritable, type WritePickleOptions } from './writer.js';
export { NdArray, DType } from './ndarray.js';
export type { PyValue, PyDict } from './values.js';
