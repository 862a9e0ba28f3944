/**
 * `cifarkit/pickle`: a safe reader and a byte-exact writer of Python pickles, with the numpy
 * arrays CIFAR files hold. It knows nothing of CIFAR.
 *
 * - {@link readPickle} reads protocols 0-5 into plain JS data ({@link PyValue}), running no
 *   code: only the {@link allowedGlobals} (numpy's array and dtype reconstructors, `bytes`,
 *   `_codecs.encode`) may appear.
 * - {@link writePickle} / {@link writePickleChunks} write what CPython 3 + numpy 2 write for the
 *   same value, or in the `python2` layout what Python 2's cPickle wrote.
 *
 * @example
 * ```ts
 * import { DType, NdArray, readPickle, writePickle, type PyWritable } from 'cifarkit/pickle';
 *
 * const data = new NdArray().init([1, 3072], new DType('u1'), false, new Uint8Array(3072));
 * const batch = new Map<string, PyWritable>([['data', data], ['labels', [6]]]);
 * const bytes = writePickle(batch, { python2: true });
 * console.log(readPickle(bytes) instanceof Map); // true
 * ```
 *
 * @module cifarkit/pickle
 */
export { readPickle, allowedGlobals, type ReadPickleOptions } from './reader.js';
export { writePickle, writePickleChunks, type WritePickleOptions } from './writer.js';
export { DType, NdArray, PyTuple, type PyDict, type PyScalar, type PyValue, type PyWritable } from './values.js';
