/**
 * The page decompressors of hf_parquet, without WebAssembly: hyparquet-compressors' `compressors`
 * object instantiates hysnappy's wasm when its module loads, which would break cifarkit where
 * WebAssembly is missing (its pixel kernels fall back to TypeScript there). So: snappy by
 * hyparquet's own JavaScript decoder, gzip, brotli and lz4 by hyparquet-compressors' modules,
 * zstd by fzstd (hyparquet-compressors' choice), each writing into a buffer of the size the page
 * header declares (checked against the limits before; see layout.ts).
 */
import { snappyUncompress } from 'hyparquet/src/index.js';
import { decompress as zstdDecompress } from 'fzstd';
import { decompressBrotli } from 'hyparquet-compressors/src/brotli.js';
import { gunzip } from 'hyparquet-compressors/src/gzip.js';
import { decompressLz4, decompressLz4Raw } from 'hyparquet-compressors/src/lz4.js';

export type Decompressor = (input: Uint8Array, outputLength: number) => Uint8Array;

export const DECOMPRESSORS: Readonly<Record<string, Decompressor>> = {
  SNAPPY: (input, length) => {
    const out = new Uint8Array(length);
    snappyUncompress(input, out);
    return out;
  },
  GZIP: (input, length) => gunzip(input, new Uint8Array(length)),
  BROTLI: decompressBrotli,
  ZSTD: (input, length) => zstdDecompress(input, new Uint8Array(length)),
  LZ4: decompressLz4,
  LZ4_RAW: decompressLz4Raw,
};
