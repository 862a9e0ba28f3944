import type { WritePickleOptions } from '../../src/pickle/writer.js';

/** Every pickle layout the writer produces, by name: the round-trip tests run each. */
export const WRITE_VARIANTS: readonly [string, WritePickleOptions][] = [
  ['protocol 2', { protocol: 2 }],
  ['protocol 3', { protocol: 3 }],
  ['protocol 4', { protocol: 4 }],
  ['protocol 5', { protocol: 5 }],
  ['python2 layout', { python2: true }],
];
