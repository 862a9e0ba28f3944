/**
 * A baseline JPEG encoder (ITU-T T.81 / JFIF 1.02), web-standard APIs only.
 * https://www.w3.org/Graphics/JPEG/itu-t81.pdf
 *
 * Why not jpeg-js's encoder: it returns `Buffer.from(...)` whenever a CommonJS `module` is in
 * scope, which is the case once a bundler wraps it, so it throws in browsers and Deno
 * (image-js/image-js#612, #619). cifarkit decodes with jpeg-js and encodes here.
 *
 * What it writes: sequential DCT, 8-bit, the standard Huffman tables (Annex K.3), the IJG
 * quality scaling of the Annex K.1 quantisation tables, no chroma subsampling (4:4:4, which
 * keeps tiny images such as CIFAR's faithful). 1 component (grayscale) or 3 (JFIF YCbCr).
 */

/** Position in the 8x8 block (row-major) of the n-th coefficient in zig-zag order. */
const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50,
  43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

// Annex K.1, row-major.
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56,
  68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
  ...new Array<number>(32).fill(99),
];

interface HuffmanSpec {
  /** Number of codes of each length 1..16. */
  counts: number[];
  /** Symbols in code order. */
  symbols: number[];
}

// Annex K.3: the tables every baseline decoder knows.
const DC_LUMA: HuffmanSpec = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA: HuffmanSpec = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA: HuffmanSpec = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
    0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
    0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
    0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA: HuffmanSpec = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
    0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
    0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
    0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
    0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
    0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

/** Code and length per symbol (Annex C: canonical codes, shortest first). */
interface HuffmanTable {
  codes: Uint16Array;
  sizes: Uint8Array;
}

function buildHuffman(spec: HuffmanSpec): HuffmanTable {
  const codes = new Uint16Array(256);
  const sizes = new Uint8Array(256);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.counts[len - 1]!; i++) {
      const symbol = spec.symbols[k++]!;
      codes[symbol] = code++;
      sizes[symbol] = len;
    }
    code <<= 1;
  }
  return { codes, sizes };
}

const TABLES = {
  dcLuma: buildHuffman(DC_LUMA),
  acLuma: buildHuffman(AC_LUMA),
  dcChroma: buildHuffman(DC_CHROMA),
  acChroma: buildHuffman(AC_CHROMA),
};

/** DCT basis: BASIS[u*8+x] = C(u)/2 * cos((2x+1)u*pi/16), so that F = B f B^T (the T.81 FDCT). */
const BASIS = (() => {
  const b = new Float64Array(64);
  for (let u = 0; u < 8; u++) {
    const c = u === 0 ? Math.SQRT1_2 : 1;
    for (let x = 0; x < 8; x++) b[u * 8 + x] = (c / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  }
  return b;
})();

/** The IJG scaling of a base table for a quality 1..100, clamped to 1..255 (baseline). */
function scaleQuant(base: number[], quality: number): Uint8Array {
  const scale = quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
  return Uint8Array.from(base, (q) => Math.min(255, Math.max(1, Math.floor((q * scale + 50) / 100))));
}

class ByteSink {
  private buf = new Uint8Array(1024);
  length = 0;
  private bitBuffer = 0;
  private bitCount = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  word(w: number): void {
    this.byte(w >> 8);
    this.byte(w & 0xff);
  }

  bytes(bs: ArrayLike<number>): void {
    this.reserve(bs.length);
    for (let i = 0; i < bs.length; i++) this.buf[this.length++] = bs[i]!;
  }

  /** Entropy-coded bits, most significant first; a 0xFF byte is followed by a stuffed 0x00. */
  bits(value: number, count: number): void {
    this.bitBuffer = (this.bitBuffer << count) | (value & ((1 << count) - 1));
    this.bitCount += count;
    while (this.bitCount >= 8) {
      const b = (this.bitBuffer >> (this.bitCount - 8)) & 0xff;
      this.byte(b);
      if (b === 0xff) this.byte(0);
      this.bitCount -= 8;
    }
    this.bitBuffer &= (1 << this.bitCount) - 1;
  }

  /** Pads the last byte with 1 bits (T.81 F.1.2.3). */
  flushBits(): void {
    if (this.bitCount > 0) this.bits(0x7f, 8 - this.bitCount);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Bits needed for |v| (the "category" SSSS of T.81 F.1.2). */
function category(v: number): number {
  let a = v < 0 ? -v : v;
  let n = 0;
  while (a > 0) {
    n++;
    a >>= 1;
  }
  return n;
}

/** Amplitude bits of v in `size` bits: v itself when positive, v - 1 in size bits when negative. */
function amplitude(v: number, size: number): number {
  return v >= 0 ? v : v + (1 << size) - 1;
}

const block = new Float64Array(64);
const temp = new Float64Array(64);
const coefs = new Int32Array(64);

/** Forward DCT of `block` (level-shifted samples), quantised into `coefs` in zig-zag order. */
function transformBlock(quant: Uint8Array): void {
  // rows: temp = block * B^T
  for (let y = 0; y < 8; y++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < 8; x++) s += block[y * 8 + x]! * BASIS[u * 8 + x]!;
      temp[y * 8 + u] = s;
    }
  }
  // columns: F = B * temp
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < 8; y++) s += BASIS[v * 8 + y]! * temp[y * 8 + u]!;
      block[v * 8 + u] = s; // the rows pass is done with block: reuse it
    }
  }
  for (let k = 0; k < 64; k++) {
    const pos = ZIGZAG[k]!;
    coefs[k] = Math.round(block[pos]! / quant[pos]!);
  }
}

function encodeBlock(out: ByteSink, previousDc: number, dc: HuffmanTable, ac: HuffmanTable): number {
  const diff = coefs[0]! - previousDc;
  const dcSize = category(diff);
  out.bits(dc.codes[dcSize]!, dc.sizes[dcSize]!);
  if (dcSize > 0) out.bits(amplitude(diff, dcSize), dcSize);
  let run = 0;
  for (let k = 1; k < 64; k++) {
    const v = coefs[k]!;
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      out.bits(ac.codes[0xf0]!, ac.sizes[0xf0]!); // ZRL: 16 zeros
      run -= 16;
    }
    const size = category(v);
    const symbol = (run << 4) | size;
    out.bits(ac.codes[symbol]!, ac.sizes[symbol]!);
    out.bits(amplitude(v, size), size);
    run = 0;
  }
  if (run > 0) out.bits(ac.codes[0]!, ac.sizes[0]!); // EOB
  return coefs[0]!;
}

function writeHuffmanSegment(out: ByteSink, specs: [number, HuffmanSpec][]): void {
  let length = 2;
  for (const [, s] of specs) length += 17 + s.symbols.length;
  out.word(0xffc4);
  out.word(length);
  for (const [classAndId, s] of specs) {
    out.byte(classAndId);
    out.bytes(s.counts);
    out.bytes(s.symbols);
  }
}

/**
 * Encodes interleaved 8-bit samples (`channels` 1 = gray, 3 = RGB) as a baseline JFIF JPEG.
 * `quality` 1..100 as in libjpeg (`cjpeg -quality`). Width and height must be 1..65535.
 */
export function encodeJpeg(data: Uint8Array, width: number, height: number, channels: 1 | 3, quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const quants = [scaleQuant(LUMA_QUANT, q), scaleQuant(CHROMA_QUANT, q)];
  const out = new ByteSink();

  out.word(0xffd8); // SOI
  out.word(0xffe0); // APP0 JFIF 1.01, no density unit, aspect 1:1, no thumbnail
  out.word(16);
  out.bytes([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);

  const tableCount = channels === 1 ? 1 : 2;
  out.word(0xffdb); // DQT, 8-bit entries in zig-zag order
  out.word(2 + 65 * tableCount);
  for (let t = 0; t < tableCount; t++) {
    out.byte(t);
    for (let k = 0; k < 64; k++) out.byte(quants[t]![ZIGZAG[k]!]!);
  }

  out.word(0xffc0); // SOF0: baseline
  out.word(8 + 3 * channels);
  out.byte(8);
  out.word(height);
  out.word(width);
  out.byte(channels);
  for (let c = 0; c < channels; c++) {
    out.byte(c + 1); // component id
    out.byte(0x11); // 1x1 sampling
    out.byte(c === 0 ? 0 : 1); // quantisation table
  }

  const huffman: [number, HuffmanSpec][] = [
    [0x00, DC_LUMA],
    [0x10, AC_LUMA],
  ];
  if (channels === 3) huffman.push([0x01, DC_CHROMA], [0x11, AC_CHROMA]);
  writeHuffmanSegment(out, huffman);

  out.word(0xffda); // SOS
  out.word(6 + 2 * channels);
  out.byte(channels);
  for (let c = 0; c < channels; c++) {
    out.byte(c + 1);
    out.byte(c === 0 ? 0x00 : 0x11);
  }
  out.bytes([0, 63, 0]); // spectral selection 0..63, no successive approximation

  const previousDc = [0, 0, 0];
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y < 8; y++) {
          // Edge blocks repeat the last row and column (what libjpeg does).
          const row = Math.min(by + y, height - 1) * width;
          for (let x = 0; x < 8; x++) {
            const p = (row + Math.min(bx + x, width - 1)) * channels;
            let s: number;
            if (channels === 1) s = data[p]!;
            else {
              const r = data[p]!;
              const g = data[p + 1]!;
              const b = data[p + 2]!;
              // JFIF YCbCr (full range, ITU-R BT.601 weights)
              if (c === 0) s = 0.299 * r + 0.587 * g + 0.114 * b;
              else if (c === 1) s = -0.168736 * r - 0.331264 * g + 0.5 * b + 128;
              else s = 0.5 * r - 0.418688 * g - 0.081312 * b + 128;
            }
            block[y * 8 + x] = s - 128;
          }
        }
        transformBlock(quants[c === 0 ? 0 : 1]!);
        const tables = c === 0 ? [TABLES.dcLuma, TABLES.acLuma] : [TABLES.dcChroma, TABLES.acChroma];
        previousDc[c] = encodeBlock(out, previousDc[c]!, tables[0]!, tables[1]!);
      }
    }
  }
  out.flushBits();
  out.word(0xffd9); // EOI
  return out.result();
}
