/**
 * The Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998) that both CPython's `random` and
 * numpy's legacy `RandomState` run; they differ only in how they seed it and what they make of its
 * 32-bit outputs (./python-random.ts, ./numpy-random.ts).
 */

const N = 624;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  private constructor() {}

  /** `init_genrand(s)`: numpy's `seed(int)`. */
  static fromSeed(s: number): MT19937 {
    const g = new MT19937();
    g.initGenrand(s);
    return g;
  }

  /** `init_by_array(key)`: CPython's `seed(int)`, with the 32-bit words of the seed, least significant first. */
  static fromKey(key: readonly number[]): MT19937 {
    const g = new MT19937();
    g.initGenrand(19650218);
    const mt = g.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    return g;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  /** The next 32-bit output (`genrand_int32`). */
  next32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
