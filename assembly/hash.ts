// Image hashing and Hamming search for `validate` (duplicate detection). Shared by both builds:
// assembly/index.ts (scalar) and assembly/simd.ts re-export these functions unchanged, so the
// host finds them in whichever module it runs. Integer arithmetic only, so the pure-TS fallback
// (src/validate/js-hash.ts) gives the same bits: every value below fits the 53 bits a JS number
// holds exactly (see the bounds noted at each step).

/** Luma scaled by 1000 (ITU-R BT.601, as the MNIST exporter): at most 255000. */
// @ts-ignore: decorator
@inline function luma(p: usize, channels: i32): i64 {
  if (channels == 3) {
    return <i64>(299 * <i32>load<u8>(p) + 587 * <i32>load<u8>(p + 1) + 114 * <i32>load<u8>(p + 2));
  }
  return <i64>(1000 * <i32>load<u8>(p));
}

/** Sum of 16 products of i64 samples at `a` and i32 cosines at `cos`. */
// @ts-ignore: decorator
@inline function dot16(a: usize, cos: usize): i64 {
  let s: i64 = 0;
  for (let i: usize = 0; i < 16; i++) s += load<i64>(a + (i << 3)) * <i64>load<i32>(cos + (i << 2));
  return s;
}

/**
 * 64-bit DCT perceptual hashes (pHash) of `count` consecutive HWC images, all `height` x
 * `width` x `channels`, into `out` as (low, high) u32 pairs:
 *   1. luma, box-averaged onto a 32x32 grid (the identity for CIFAR's 32x32);
 *   2. the 8x8 lowest frequencies of its 2-D DCT-II, with `table` = 8x32 i32 cosines
 *      round(cos((2x+1)u*pi/64) * 1024), row pass then column pass;
 *   3. bit v*8+u is set when coefficient (v, u) exceeds the median of the 64.
 * `scratch` needs 12 KiB.
 */
export function phash(src: usize, count: i32, height: i32, width: i32, channels: i32, table: usize, scratch: usize, out: usize): void {
  const imageBytes = <usize>(height * width * channels);
  const lum = scratch; // 32x32 i64
  const rows = scratch + 8192; // 32 rows x 8 frequencies, i64
  const coef = rows + 2048; // 8x8 i64
  const sorted = coef + 512; // 64 i64
  const half = sorted + 512; // 16 sums then 16 differences of mirrored samples, i64
  for (let n = 0; n < count; n++) {
    // 1. luma <= 255000 per cell (a floor mean of lumas; CIFAR's 32x32 is taken as it is)
    if (height == 32 && width == 32) {
      let p = src;
      for (let i = 0; i < 1024; i++) {
        store<i64>(lum + (<usize>i << 3), luma(p, channels));
        p += channels;
      }
    } else {
      for (let ty = 0; ty < 32; ty++) {
        const y0 = (ty * height) >> 5;
        let y1 = ((ty + 1) * height) >> 5;
        if (y1 <= y0) y1 = y0 + 1;
        for (let tx = 0; tx < 32; tx++) {
          const x0 = (tx * width) >> 5;
          let x1 = ((tx + 1) * width) >> 5;
          if (x1 <= x0) x1 = x0 + 1;
          let sum: i64 = 0;
          for (let y = y0; y < y1; y++) {
            let p = src + <usize>((y * width + x0) * channels);
            for (let x = x0; x < x1; x++) {
              sum += luma(p, channels);
              p += channels;
            }
          }
          store<i64>(lum + <usize>((ty * 32 + tx) << 3), sum / <i64>((y1 - y0) * (x1 - x0)));
        }
      }
    }
    // 2. rows: |sum| <= 32 * 255000 * 1024 < 2^33; columns: |sum| < 32 * 2^33 * 1024 = 2^48.
    // cos((2(31-x)+1)u pi/64) = (-1)^u cos((2x+1)u pi/64): even frequencies take the sums of
    // mirrored samples, odd ones their differences, over half the samples (exact: integers).
    for (let y = 0; y < 32; y++) {
      const row = lum + <usize>(y << 8);
      for (let x = 0; x < 16; x++) {
        const a = load<i64>(row + <usize>(x << 3));
        const b = load<i64>(row + <usize>((31 - x) << 3));
        store<i64>(half + <usize>(x << 3), a + b);
        store<i64>(half + <usize>((x + 16) << 3), a - b);
      }
      for (let u = 0; u < 8; u++) {
        store<i64>(rows + <usize>((y * 8 + u) << 3), dot16(half + <usize>((u & 1) << 7), table + <usize>(u << 7)));
      }
    }
    for (let u = 0; u < 8; u++) {
      for (let y = 0; y < 16; y++) {
        const a = load<i64>(rows + <usize>((y * 8 + u) << 3));
        const b = load<i64>(rows + <usize>(((31 - y) * 8 + u) << 3));
        store<i64>(half + <usize>(y << 3), a + b);
        store<i64>(half + <usize>((y + 16) << 3), a - b);
      }
      for (let v = 0; v < 8; v++) {
        store<i64>(coef + <usize>((v * 8 + u) << 3), dot16(half + <usize>((v & 1) << 7), table + <usize>(v << 7)));
      }
    }
    // the median, from a sorted copy (insertion sort of 64)
    for (let k = 0; k < 64; k++) {
      const c = load<i64>(coef + <usize>(k << 3));
      let j = k;
      while (j > 0 && load<i64>(sorted + <usize>((j - 1) << 3)) > c) {
        store<i64>(sorted + <usize>(j << 3), load<i64>(sorted + <usize>((j - 1) << 3)));
        j--;
      }
      store<i64>(sorted + <usize>(j << 3), c);
    }
    // 3. c > median  <=>  2c > sorted[31] + sorted[32] (exact, no division)
    const twiceMedian = load<i64>(sorted + 31 * 8) + load<i64>(sorted + 32 * 8);
    let lo: u32 = 0;
    let hi: u32 = 0;
    for (let k = 0; k < 32; k++) {
      if (2 * load<i64>(coef + <usize>(k << 3)) > twiceMedian) lo |= 1 << k;
      if (2 * load<i64>(coef + <usize>((k + 32) << 3)) > twiceMedian) hi |= 1 << k;
    }
    store<u32>(out, lo);
    store<u32>(out + 4, hi);
    out += 8;
    src += imageBytes;
  }
}

// @ts-ignore: decorator
@inline function mix(h: u32, k: u32, c1: u32, r1: u32, c2: u32, r2: u32, add: u32): u32 {
  k = rotl<u32>(k * c1, r1) * c2;
  return rotl<u32>(h ^ k, r2) * 5 + add;
}

// @ts-ignore: decorator
@inline function fmix(h: u32): u32 {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}

/**
 * A 64-bit content hash of each of `count` consecutive byte strings of `length` bytes (two
 * MurmurHash3-style 32-bit lanes over little-endian words), into `out` as u32 pairs. Only
 * a first filter for exact duplicates: equal hashes are confirmed by comparing the bytes.
 */
export function contentHash(src: usize, count: i32, length: i32, out: usize): void {
  const len = <usize>length;
  for (let n = 0; n < count; n++) {
    let h1: u32 = 0x9747b28c;
    let h2: u32 = 0x3c6ef372;
    let i: usize = 0;
    for (; i + 4 <= len; i += 4) {
      const k = load<u32>(src + i);
      h1 = mix(h1, k, 0xcc9e2d51, 15, 0x1b873593, 13, 0xe6546b64);
      h2 = mix(h2, k, 0x85ebca77, 17, 0xc2b2ae3d, 11, 0x52dce729);
    }
    let k: u32 = 0;
    for (let s: u32 = 0; i < len; i++, s += 8) k |= <u32>load<u8>(src + i) << s;
    h1 = fmix(mix(h1, k, 0xcc9e2d51, 15, 0x1b873593, 13, 0xe6546b64) ^ length);
    h2 = fmix(mix(h2, k, 0x85ebca77, 17, 0xc2b2ae3d, 11, 0x52dce729) ^ length);
    store<u32>(out, h1);
    store<u32>(out + 4, h2 ^ h1);
    out += 8;
    src += len;
  }
}

/**
 * Hamming search of one 64-bit hash (`lo`, `hi`) against hashes[from, to) (u32 pairs at
 * `hashes`): writes each j within `threshold` bits as the pair (j, distance) of u32 at `out`
 * and returns how many. One xor and one popcnt per candidate.
 */
export function hammingScan(lo: u32, hi: u32, hashes: usize, from: i32, to: i32, threshold: i32, out: usize): i32 {
  const q = (<u64>hi << 32) | <u64>lo;
  const limit = <u64>threshold;
  let found = 0;
  for (let j = from; j < to; j++) {
    const d = popcnt<u64>(load<u64>(hashes + (<usize>j << 3)) ^ q);
    if (d <= limit) {
      store<u32>(out, j);
      store<u32>(out + 4, <u32>d);
      out += 8;
      found++;
    }
  }
  return found;
}
