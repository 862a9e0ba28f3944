import { unzlibSync, zlibSync } from 'fflate';
import UPNG from 'upng-js';
import { describe, expect, it } from 'vitest';
import { Image } from '../../src/api.js';
import { decodeImage, encodeImage, JPEG_QUALITY, MAX_DECODE_PIXELS, sniffImage } from '../../src/image/codecs.js';
import { BACKENDS, expectCifarkitError, hex, noise, withBackend } from '../helpers.js';

type Pattern = 'random' | 'one colour' | 'two colours' | 'gradient';

function pattern(kind: Pattern, h: number, w: number, channels: number, seed: number): Uint8Array {
  const n = h * w * channels;
  if (kind === 'random') return noise(n, seed);
  if (kind === 'one colour') return Uint8Array.from({ length: n }, (_, i) => [200, 17, 99][i % channels]!);
  if (kind === 'two colours') return Uint8Array.from({ length: n }, (_, i) => ((Math.floor(i / channels) * 7) % 3 === 0 ? 255 : 3));
  return Uint8Array.from({ length: n }, (_, i) => {
    const p = Math.floor(i / channels);
    return (((p % w) * 9 + Math.floor(p / w) * 5 + (i % channels) * 40) * 1) & 0xff;
  });
}

const SIZES: [number, number][] = [
  [1, 1],
  [2, 3],
  [3, 2],
  [5, 7],
  [1, 17],
  [17, 1],
  [8, 8],
  [9, 9],
  [32, 32],
  [64, 50],
  [150, 201],
];
const PATTERNS: Pattern[] = ['random', 'one colour', 'two colours', 'gradient'];

/**
 * A reference PNG reader for what cifarkit writes (8-bit gray or RGB, not interlaced): chunks,
 * zlib via fflate, the five filters as the PNG spec defines them. Independent of upng-js.
 */
function referencePng(png: Uint8Array): { width: number; height: number; ctype: number; pixels: Uint8Array; chunks: string[] } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let ctype = -1;
  const idat: Uint8Array[] = [];
  const chunks: string[] = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    chunks.push(type);
    const body = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect(body[8]).toBe(8);
      ctype = body[9]!;
      expect(body[12]).toBe(0);
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + len;
  }
  const bpp = ctype === 0 ? 1 : 3;
  const raw = unzlibSync(Uint8Array.from(idat.flatMap((c) => [...c])));
  const stride = width * bpp;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? out[y * stride + x - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp]! : 0;
      const p = a + b - c;
      const pr = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      out[y * stride + x] = (v + [0, a, b, (a + b) >> 1, pr][f]!) & 0xff;
    }
  }
  return { width, height, ctype, pixels: out, chunks };
}

/** A PNG of any colour type / depth, written here (for decoding cases cifarkit does not write). */
function makePng(
  width: number,
  height: number,
  depth: number,
  ctype: number,
  rows: Uint8Array[],
  extra: [string, Uint8Array][] = [],
  idat?: Uint8Array,
): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, body.length);
    out.set([...type].map((c) => c.charCodeAt(0)), 4);
    out.set(body, 8);
    v.setUint32(8 + body.length, crc(out.subarray(4, 8 + body.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = ctype;
  const filtered = Uint8Array.from(rows.flatMap((r) => [0, ...r]));
  const parts = [
    hex('89504e470d0a1a0a'),
    chunk('IHDR', ihdr),
    ...extra.map(([t, b]) => chunk(t, b)),
    chunk('IDAT', idat ?? zlibSync(filtered)),
    chunk('IEND', new Uint8Array(0)),
  ];
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function maxError(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function meanError(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe.each(BACKENDS)('PNG (%s backend)', (backend) => {
  describe.each(PATTERNS)('%s pixels', (kind) => {
    it.each(SIZES)('RGB %ix%i round-trips exactly, as truecolour without a palette', async (h, w) => {
      await withBackend(backend, () => {
        const img = new Image(pattern(kind, h, w, 3, h * 31 + w), h, w, 3);
        const png = encodeImage(img, '.png');
        const ref = referencePng(png);
        expect(ref.ctype).toBe(2);
        expect(ref.chunks).not.toContain('PLTE');
        expect([ref.height, ref.width]).toEqual([h, w]);
        expect(Buffer.from(ref.pixels).equals(Buffer.from(img.data))).toBe(true);
        const back = decodeImage(png, 'a.png');
        expect([back.height, back.width, back.channels, back.ext]).toEqual([h, w, 3, '.png']);
        expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
      });
    });

    it.each(SIZES)('gray %ix%i stays 1-channel (a grayscale PNG) and round-trips exactly', async (h, w) => {
      await withBackend(backend, () => {
        const img = new Image(pattern(kind, h, w, 1, h * 37 + w), h, w, 1);
        const png = encodeImage(img, '.PNG');
        const ref = referencePng(png);
        expect(ref.ctype).toBe(0);
        expect(Buffer.from(ref.pixels).equals(Buffer.from(img.data))).toBe(true);
        const back = decodeImage(png, 'g.PNG');
        expect([back.height, back.width, back.channels]).toEqual([h, w, 1]);
        expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
      });
    });
  });
});

describe('the upng-js palette trap', () => {
  it('without forbidPlte, upng-js writes a cut PNG for a tiny image; cifarkit refuses to read it, and never writes one', () => {
    const rgba = noise(2 * 2 * 4, 5);
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
    const trap = new Uint8Array(UPNG.encode([rgba.buffer as ArrayBuffer], 2, 2, 0));
    expect(() => decodeImage(trap, 'trap.png')).toThrow(/trap\.png: the PNG is cut short/);
    const rgb = Uint8Array.from({ length: 12 }, (_, i) => rgba[i + Math.floor(i / 3)]!);
    const ours = decodeImage(encodeImage(new Image(rgb, 2, 2, 3), '.png'), 'ok.png');
    expect([...ours.data]).toEqual([...rgb]);
  });
});

describe('decoding PNGs that other writers make', () => {
  it('palette, RGBA and gray+alpha (alpha dropped), 16-bit gray (high byte), 1-bit gray', () => {
    const palette = makePng(3, 1, 8, 3, [Uint8Array.from([0, 1, 2])], [['PLTE', Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90])]]);
    const p = decodeImage(palette, 'p.png');
    expect([p.channels, ...p.data]).toEqual([3, 10, 20, 30, 40, 50, 60, 70, 80, 90]);

    const rgba = decodeImage(makePng(2, 1, 8, 6, [Uint8Array.from([1, 2, 3, 0, 4, 5, 6, 255])]), 'rgba.png');
    expect([rgba.channels, ...rgba.data]).toEqual([3, 1, 2, 3, 4, 5, 6]);

    const grayAlpha = decodeImage(makePng(2, 1, 8, 4, [Uint8Array.from([7, 0, 9, 128])]), 'ga.png');
    expect([grayAlpha.channels, ...grayAlpha.data]).toEqual([1, 7, 9]);

    const gray16 = decodeImage(makePng(2, 1, 16, 0, [Uint8Array.from([0x12, 0x34, 0xab, 0xcd])]), 'g16.png');
    expect([gray16.channels, ...gray16.data]).toEqual([1, 0x12, 0xab]);

    const bits = decodeImage(makePng(3, 1, 1, 0, [Uint8Array.from([0b10100000])]), 'bits.png');
    expect([bits.channels, ...bits.data]).toEqual([1, 255, 0, 255]);
  });

  it('reads the type from the bytes, not the name', () => {
    const png = encodeImage(new Image(Uint8Array.from([1, 2, 3]), 1, 1, 3), '.png');
    const img = decodeImage(png, 'named-like-a.jpg');
    expect([...img.data, img.ext]).toEqual([1, 2, 3, '.jpg']);
    expect(sniffImage(png)).toBe('png');
    expect(sniffImage(encodeImage(new Image(Uint8Array.from([1, 2, 3]), 1, 1, 3), '.jpg'))).toBe('jpeg');
    expect(sniffImage(Uint8Array.from([1, 2, 3]))).toBe(null);
  });
});

describe.each(BACKENDS)('JPEG (%s backend)', (backend) => {
  it.each(SIZES)(`RGB %ix%i keeps its size; quality ${JPEG_QUALITY} errs by little`, async (h, w) => {
    await withBackend(backend, () => {
      for (const kind of PATTERNS) {
        const img = new Image(pattern(kind, h, w, 3, h * 13 + w), h, w, 3);
        const jpg = encodeImage(img, '.jpg');
        expect([...jpg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
        const back = decodeImage(jpg, 'x.jpg');
        expect([back.height, back.width, back.channels, back.ext]).toEqual([h, w, 3, '.jpg']);
        // Measured: at most 22 for random noise, 0-3 on average; flat colours are near exact.
        expect(maxError(back.data, img.data), kind).toBeLessThanOrEqual(kind === 'one colour' ? 2 : 32);
        expect(meanError(back.data, img.data), kind).toBeLessThanOrEqual(kind === 'one colour' ? 1 : 4);
      }
    });
  });

  it.each(SIZES)('gray %ix%i is a one-component JPEG and decodes to 1 channel', async (h, w) => {
    await withBackend(backend, () => {
      for (const kind of PATTERNS) {
        const img = new Image(pattern(kind, h, w, 1, h * 17 + w), h, w, 1);
        const jpg = encodeImage(img, '.jpeg');
        const back = decodeImage(jpg, 'x.jpeg');
        expect([back.height, back.width, back.channels]).toEqual([h, w, 1]);
        expect(maxError(back.data, img.data), kind).toBeLessThanOrEqual(12);
        expect(meanError(back.data, img.data), kind).toBeLessThanOrEqual(2);
      }
    });
  });
});

describe('JPEG quality', () => {
  const img = new Image(pattern('random', 32, 32, 3, 7), 32, 32, 3);
  it('lower quality, smaller file, larger error; quality 100 is near lossless', () => {
    const q50 = encodeImage(img, '.jpg', { jpegQuality: 50 });
    const q95 = encodeImage(img, '.jpg');
    const q100 = encodeImage(img, '.jpg', { jpegQuality: 100 });
    expect(q50.length).toBeLessThan(q95.length);
    expect(q95.length).toBeLessThan(q100.length);
    expect(maxError(decodeImage(q100, 'a.jpg').data, img.data)).toBeLessThanOrEqual(4);
    expect(meanError(decodeImage(q50, 'a.jpg').data, img.data)).toBeGreaterThan(meanError(decodeImage(q95, 'a.jpg').data, img.data));
  });

  it('refuses a quality outside 1..100', async () => {
    await expectCifarkitError(() => encodeImage(img, '.jpg', { jpegQuality: 0 }), 'INVALID_ARGUMENT', ['jpegQuality', '1..100']);
    await expectCifarkitError(() => encodeImage(img, '.jpg', { jpegQuality: 90.5 }), 'INVALID_ARGUMENT', ['jpegQuality']);
  });
});

// `cjpeg -quality 90 [-progressive | -grayscale]` of a 5x6 (HxW) image, and the pixels
// `djpeg -nosmooth` gives for them (libjpeg-turbo 2.1.5; box chroma upsampling, as jpeg-js does).
const LIBJPEG_SAMPLES = [
  {
    name: 'baseline 4:2:0',
    channels: 3,
    jpeg: [
      'ffd8ffe000104a46494600010100000100010000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d',
      '0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffdb00430103040405040509050509140d0b0d141414141414141414141414',
      '1414141414141414141414141414141414141414141414141414141414141414141414141414ffc00011080005000603012200021101031101ffc400',
      '1f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203000411051221',
      '31410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a53545556',
      '5758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6',
      'c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc4001f0100030101010101010101010000000000000102030405',
      '060708090a0bffc400b51100020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f015',
      '6272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a828384',
      '85868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9ea',
      'f2f3f4f5f6f7f8f9faffda000c03010002110311003f00ced5b4e823f865e12d05618bec971e65d49215264df0ac6130738008b97c8c1fbabc8e7251',
      '452a13752ae2672ddd6acbff0001ab38afba292f91fd2be1853853e13c1b8ab5f99bf37cf25f9247ffd9',
    ].join(''),
    libjpeg: [0, 76, 125, 37, 117, 166, 92, 158, 130, 106, 172, 144, 223, 177, 118, 118, 72, 13, 3, 83, 132, 42, 122, 171, 99, 165, 137, 117, 183, 155, 236, 190, 131, 134, 88, 29, 17, 92, 157, 54, 129, 194, 139, 201, 116, 130, 192, 107, 255, 178, 177, 175, 71, 70, 22, 97, 162, 76, 151, 216, 127, 189, 104, 142, 204, 119, 138, 34, 33, 177, 73, 72, 46, 117, 197, 71, 142, 222, 117, 178, 25, 168, 229, 76, 192, 22, 85, 234, 64, 127],
  },
  {
    name: 'progressive 4:2:0',
    channels: 3,
    jpeg: [
      'ffd8ffe000104a46494600010100000100010000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d',
      '0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffdb00430103040405040509050509140d0b0d141414141414141414141414',
      '1414141414141414141414141414141414141414141414141414141414141414141414141414ffc20011080005000603012200021101031101ffc400',
      '1500010100000000000000000000000000000004ffc4001501010100000000000000000000000000000107ffda000c030100021003100000019814af',
      'ffc400161001010100000000000000000000000000010305ffda0008010100010502acc333ffc4001c11000200070000000000000000000000000102',
      '000305061161b1ffda0008010301013f01b6142d264e37d31fffc4001b1100020105000000000000000000000000010200031252a1b1ffda00080102',
      '01013f014373542737d311c9ffc4001d1000010207000000000000000000000000010211000304122141d2ffda0008010100063f02a490c2d53a89de',
      '1ba8ffc4001910000203010000000000000000000000000131001191b1ffda0008010100013f211455230d3ac13fffda000c03010002000300000010',
      'ff00ffc40018110101000300000000000000000000000001110061b1ffda0008010301013f106812d3b65c0cffc40018110100030100000000000000',
      '00000000000100319181ffda0008010201013f107b7218d80393ffc40017100101010100000000000000000000000001112151ffda0008010100013f',
      '10d6c604c44b6025c8f436ff00ffd9',
    ].join(''),
    libjpeg: [0, 76, 125, 37, 117, 166, 92, 158, 130, 106, 172, 144, 223, 177, 118, 118, 72, 13, 3, 83, 132, 42, 122, 171, 99, 165, 137, 117, 183, 155, 236, 190, 131, 134, 88, 29, 17, 92, 157, 54, 129, 194, 139, 201, 116, 130, 192, 107, 255, 178, 177, 175, 71, 70, 22, 97, 162, 76, 151, 216, 127, 189, 104, 142, 204, 119, 138, 34, 33, 177, 73, 72, 46, 117, 197, 71, 142, 222, 117, 178, 25, 168, 229, 76, 192, 22, 85, 234, 64, 127],
  },
  {
    name: 'grayscale',
    channels: 1,
    jpeg: [
      'ffd8ffe000104a46494600010100000100010000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d',
      '0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffc0000b080005000601011100ffc4001f0000010501010101010100000000',
      '000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a108',
      '2342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475',
      '767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2',
      'e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00ced5b4e823f865e12d05618bec971e65d49215264df0ac6130738008b97c8c1f',
      'babc8e73ffd9',
    ].join(''),
    libjpeg: [58, 99, 135, 149, 184, 79, 65, 104, 142, 160, 197, 95, 77, 114, 173, 164, 209, 102, 82, 136, 161, 176, 65, 104, 105, 130, 142, 193, 80, 122],
  },
];

describe('JPEGs that libjpeg wrote', () => {
  it.each(LIBJPEG_SAMPLES)('$name: decodes as djpeg does (within 2, IDCT rounding)', ({ jpeg, channels, libjpeg }) => {
    const img = decodeImage(hex(jpeg), 'sample.jpg');
    expect([img.height, img.width, img.channels]).toEqual([5, 6, channels]);
    expect(maxError(img.data, Uint8Array.from(libjpeg))).toBeLessThanOrEqual(2);
  });
});

describe('refusals', () => {
  const rgb = new Image(pattern('random', 6, 5, 3, 3), 6, 5, 3);

  it('an extension without an encoder', async () => {
    await expectCifarkitError(() => encodeImage(rgb, '.bmp'), 'EXPORT_UNSUPPORTED', ["'.bmp'", '.png, .jpg, .jpeg']);
    await expectCifarkitError(() => encodeImage(rgb, 'png'), 'EXPORT_UNSUPPORTED', ["'png'"]);
    await expectCifarkitError(() => encodeImage(rgb, ''), 'EXPORT_UNSUPPORTED');
  });

  it('an image without pixels', async () => {
    await expectCifarkitError(() => encodeImage(new Image(new Uint8Array(0), 0, 4, 3), '.png'), 'EXPORT_UNSUPPORTED', ['0x4', 'PNG']);
    await expectCifarkitError(() => encodeImage(new Image(new Uint8Array(0), 3, 0, 1), '.jpg'), 'EXPORT_UNSUPPORTED', ['3x0', 'JPEG']);
  });

  it('bytes that are neither PNG nor JPEG', async () => {
    await expectCifarkitError(() => decodeImage(new Uint8Array(0), 'empty.png'), 'IMAGE_DECODE_FAILED', ['empty.png', 'not a PNG or JPEG']);
    await expectCifarkitError(() => decodeImage(noise(100, 1), 'cat/noise.jpg'), 'IMAGE_DECODE_FAILED', ['cat/noise.jpg', 'not a PNG or JPEG']);
    await expectCifarkitError(() => decodeImage(hex('424d3600'), 'x.bmp'), 'IMAGE_DECODE_FAILED', ['x.bmp']);
  });

  it('a cut PNG, at every length', async () => {
    const png = encodeImage(rgb, '.png');
    for (let n = 8; n < png.length; n++) {
      await expectCifarkitError(() => decodeImage(png.subarray(0, n), 'cut.png'), 'IMAGE_DECODE_FAILED', ['cut.png', 'PNG']);
    }
  });

  it('a PNG with a damaged byte (CRC) and with a damaged header', async () => {
    const png = encodeImage(rgb, '.png');
    const flipped = png.slice();
    flipped[png.length - 20]! ^= 0x10;
    await expectCifarkitError(() => decodeImage(flipped, 'flip.png'), 'IMAGE_DECODE_FAILED', ['flip.png', "CRC of PNG chunk 'IDAT'"]);
    const noHeader = png.slice();
    noHeader.set([0x49, 0x44, 0x41, 0x54], 12); // IHDR renamed IDAT
    await expectCifarkitError(() => decodeImage(noHeader, 'h.png'), 'IMAGE_DECODE_FAILED', ['h.png', "not 'IHDR'"]);
  });

  it('a PNG whose pixel data is broken or short although its CRCs are right', async () => {
    expect([...decodeImage(makePng(1, 1, 8, 2, [Uint8Array.from([1, 2, 3])]), 'good.png').data]).toEqual([1, 2, 3]);
    const garbage = makePng(4, 4, 8, 2, [], [], hex('78da0102030405060708'));
    await expectCifarkitError(() => decodeImage(garbage, 'garbage.png'), 'IMAGE_DECODE_FAILED', ['garbage.png', 'corrupt PNG data']);
    await expectCifarkitError(() => decodeImage(makePng(4, 4, 8, 2, [Uint8Array.from([1])]), 'short.png'), 'IMAGE_DECODE_FAILED', ['short.png', 'shorter']);
  });

  it('a PNG that claims more pixels than cifarkit decodes', async () => {
    const side = Math.ceil(Math.sqrt(MAX_DECODE_PIXELS)) + 1;
    await expectCifarkitError(() => decodeImage(makePng(side, side, 8, 0, [Uint8Array.from([0])]), 'bomb.png'), 'IMAGE_DECODE_FAILED', [
      'bomb.png',
      `${side}x${side}`,
      'more than',
    ]);
  });

  it('a cut or damaged JPEG', async () => {
    const jpg = encodeImage(rgb, '.jpg');
    for (const n of [3, 4, 20, 200, jpg.length - 100, jpg.length - 2]) {
      await expectCifarkitError(() => decodeImage(jpg.subarray(0, n), 'cut.jpg'), 'IMAGE_DECODE_FAILED', ['cut.jpg', 'JPEG']);
    }
    const damaged = jpg.slice();
    damaged.fill(0xff, 200, 230);
    await expectCifarkitError(() => decodeImage(damaged, 'damaged.jpg'), 'IMAGE_DECODE_FAILED', ['damaged.jpg', 'corrupt JPEG data']);
  });
});

describe('no Node Buffer needed', () => {
  it('encodes and decodes PNG and JPEG with globalThis.Buffer removed (as in browsers and Deno)', () => {
    const saved = globalThis.Buffer;
    // @ts-expect-error simulating a runtime without Node's Buffer
    delete globalThis.Buffer;
    try {
      for (const channels of [1, 3]) {
        const img = new Image(pattern('random', 5, 7, channels, channels), 5, 7, channels);
        for (const ext of ['.png', '.jpg']) {
          const back = decodeImage(encodeImage(img, ext), `x${ext}`);
          expect([back.height, back.width, back.channels]).toEqual([5, 7, channels]);
          expect(back.data).toBeInstanceOf(Uint8Array);
        }
      }
    } finally {
      globalThis.Buffer = saved;
    }
  });
});
