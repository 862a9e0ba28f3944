// The kernel of dataset statistics (src/stats/): one pass over an HWC image gives the per-channel
// sums and sums of squares (exact integers, u64) and an FNV-1a hash of its bytes (a first filter
// for repeated images; equal images are confirmed byte by byte by the host). assembly/index.ts
// and assembly/simd.ts re-export it unchanged.

const FNV_OFFSET: u32 = 2166136261;
const FNV_PRIME: u32 = 16777619;

/**
 * For one image of `pixels` pixels with `channels` bytes each (HWC) at `src`, writes to `out`:
 * u64 sums of channels 0, 1, 2 (bytes 0-23), u64 sums of their squares (24-47) and the u32
 * FNV-1a hash of all `pixels * channels` bytes (48-51). Channels past the third are hashed but
 * not summed; with fewer than three channels the missing sums are 0.
 */
export function channelStats(src: usize, pixels: i32, channels: i32, out: usize): void {
  let s0: u64 = 0;
  let s1: u64 = 0;
  let s2: u64 = 0;
  let q0: u64 = 0;
  let q1: u64 = 0;
  let q2: u64 = 0;
  let h: u32 = FNV_OFFSET;
  const step = <usize>channels;
  const end = src + <usize>pixels * step;
  for (let p = src; p < end; p += step) {
    const a = <u32>load<u8>(p);
    h = (h ^ a) * FNV_PRIME;
    s0 += <u64>a;
    q0 += <u64>(a * a);
    if (step >= 3) {
      const b = <u32>load<u8>(p + 1);
      const c = <u32>load<u8>(p + 2);
      h = (h ^ b) * FNV_PRIME;
      h = (h ^ c) * FNV_PRIME;
      s1 += <u64>b;
      q1 += <u64>(b * b);
      s2 += <u64>c;
      q2 += <u64>(c * c);
      for (let k: usize = 3; k < step; k++) h = (h ^ <u32>load<u8>(p + k)) * FNV_PRIME;
    } else if (step == 2) {
      const b = <u32>load<u8>(p + 1);
      h = (h ^ b) * FNV_PRIME;
      s1 += <u64>b;
      q1 += <u64>(b * b);
    }
  }
  store<u64>(out, s0);
  store<u64>(out + 8, s1);
  store<u64>(out + 16, s2);
  store<u64>(out + 24, q0);
  store<u64>(out + 32, q1);
  store<u64>(out + 40, q2);
  store<u32>(out + 48, h);
}
