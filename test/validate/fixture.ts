/**
 * Planted duplicates for the validate tests and for the threshold figures (bench/validate-distances.mjs):
 * CIFAR-like 32x32 scenes (a smooth background, a few coloured blobs, sensor-like noise), each
 * with near-duplicates made the ways copies arise (brightness shift, a few changed pixels, a JPEG
 * round trip) and distinct look-alikes that must not be reported (the object moved, the scene
 * mirrored, the same background with other objects).
 */
import { decodeImage, encodeImage, Image } from '../../src/api.js';

/** xorshift32 in [0, 1), the seed scrambled first (nearby seeds would start alike). */
function rng(seed: number): () => number {
  let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x = (x ^ (x >>> 16)) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface Blob {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  color: [number, number, number];
}

interface Scene {
  top: [number, number, number];
  bottom: [number, number, number];
  blobs: Blob[];
  noiseSeed: number;
}

function randomScene(seed: number): Scene {
  const r = rng(seed);
  const color = (): [number, number, number] => [Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256)];
  const blobs: Blob[] = [];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) blobs.push({ cx: 6 + r() * 20, cy: 6 + r() * 20, rx: 3 + r() * 8, ry: 3 + r() * 8, color: color() });
  return { top: color(), bottom: color(), blobs, noiseSeed: seed * 7 + 1 };
}

function render(scene: Scene): Uint8Array {
  const out = new Uint8Array(32 * 32 * 3);
  const noise = rng(scene.noiseSeed);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const t = y / 31;
      const px = [0, 1, 2].map((c) => scene.top[c]! * (1 - t) + scene.bottom[c]! * t);
      for (const b of scene.blobs) {
        const d = ((x - b.cx) / b.rx) ** 2 + ((y - b.cy) / b.ry) ** 2;
        if (d < 1) for (let c = 0; c < 3; c++) px[c] = b.color[c]! * (1 - d * 0.3) + px[c]! * d * 0.3;
      }
      for (let c = 0; c < 3; c++) out[(y * 32 + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(px[c]! + (noise() - 0.5) * 12)));
    }
  }
  return out;
}

const clamp = (v: number) => Math.max(0, Math.min(255, v));

export type NearKind = 'brighter+12' | 'darker-20' | '8 pixels changed' | 'jpeg q75' | 'jpeg q50';
export type LookalikeKind = 'largest object moved 8px' | 'mirrored' | 'other objects';

export interface Planted {
  /** The originals: distinct scenes. */
  originals: Uint8Array[];
  /** Near-duplicates of originals[of]. */
  near: { of: number; kind: NearKind; pixels: Uint8Array }[];
  /** Distinct look-alikes of originals[of] (must not be reported). */
  lookalikes: { of: number; kind: LookalikeKind; pixels: Uint8Array }[];
}

function jpegRoundTrip(pixels: Uint8Array, quality: number): Uint8Array {
  return decodeImage(encodeImage(Image.fromHWC(pixels, 32, 32), '.jpg', { jpegQuality: quality }), 'x.jpg').data;
}

/** `count` scenes (seeded), each with every kind of near-duplicate and look-alike. */
export function planted(count: number, seed = 1): Planted {
  const scenes = Array.from({ length: count }, (_, i) => randomScene(seed * 100003 + i));
  const originals = scenes.map(render);
  const near: Planted['near'] = [];
  const lookalikes: Planted['lookalikes'] = [];
  originals.forEach((img, of) => {
    near.push({ of, kind: 'brighter+12', pixels: img.map((v) => clamp(v + 12)) });
    near.push({ of, kind: 'darker-20', pixels: img.map((v) => clamp(v - 20)) });
    const changed = img.slice();
    const r = rng(of + 99);
    for (let k = 0; k < 8; k++) {
      const p = Math.floor(r() * 1024) * 3;
      for (let c = 0; c < 3; c++) changed[p + c] = Math.floor(r() * 256);
    }
    near.push({ of, kind: '8 pixels changed', pixels: changed });
    near.push({ of, kind: 'jpeg q75', pixels: jpegRoundTrip(img, 75) });
    near.push({ of, kind: 'jpeg q50', pixels: jpegRoundTrip(img, 50) });

    const scene = scenes[of]!;
    const largest = scene.blobs.reduce((m, b, i) => (b.rx * b.ry > scene.blobs[m]!.rx * scene.blobs[m]!.ry ? i : m), 0);
    const moved = { ...scene, blobs: scene.blobs.map((b, i) => (i === largest ? { ...b, cx: b.cx + (b.cx < 16 ? 8 : -8) } : b)) };
    lookalikes.push({ of, kind: 'largest object moved 8px', pixels: render(moved) });
    const mirrored = new Uint8Array(img.length);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) mirrored[(y * 32 + x) * 3 + c] = img[(y * 32 + 31 - x) * 3 + c]!;
    lookalikes.push({ of, kind: 'mirrored', pixels: mirrored });
    const other = randomScene(seed * 100003 + of + 50000);
    lookalikes.push({ of, kind: 'other objects', pixels: render({ ...scene, blobs: other.blobs }) });
  });
  return { originals, near, lookalikes };
}
