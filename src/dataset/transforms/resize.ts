/**
 * `resize`: images to `width` x `height`, as Datumaro's ResizeTransform, which runs
 * `cv2.resize(image / 255.0, (w, h), interpolation) * 255` with INTER_AREA when the image shrinks
 * (`(w / W) * (h / H) < 1`) and INTER_CUBIC otherwise. This is a port of OpenCV 4.x's
 * floating-point paths for those two modes (imgproc/src/resize.cpp): the "fast" area average for
 * integer factors, the general area decimation with float weights, the bilinear emulation of
 * INTER_AREA when one side grows, and bicubic (A = -0.75, float coefficients, replicated
 * borders), with the same order of floating-point operations, so the values are OpenCV's bit for
 * bit. The bytes are then made as Datumaro's `Image.data` makes them, clamped to 0-255 and
 * truncated (`np.clip(v, 0, 255).astype(np.uint8)`), so every pixel is Datumaro's. (Truncation
 * rather than rounding darkens by half a level on average; that is Datumaro's result.)
 */
import { ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../model/view.js';
import { Image } from '../../image/image.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { withItem } from './items.js';
import { checkKeys, int, invalid, option, type TransformEntry } from './options.js';

/**
 * `resize`: every image to one size, with OpenCV's interpolation as Datumaro.
 *
 * @example
 * ```ts
 * import { Dataset, type ResizeOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ResizeOptions = { width: 64, height: 48 };
 * console.log(ds.transform('resize', options).get('image_1')?.media?.height); // 48
 * ```
 */
export interface ResizeOptions {
  /** The new width, > 0. */
  width: number;
  /** The new height, > 0. */
  height: number;
}

const f32 = Math.fround;

/** The largest output image (4096 x 4096): the work buffers hold 8-byte doubles per value. */
export const MAX_PIXELS = 4096 * 4096;

/** OpenCV's `interpolateCubic`, in single precision step by step. */
function cubicCoefficients(x: number): [number, number, number, number] {
  const A = -0.75;
  const x1 = f32(x + 1);
  const c0 = f32(f32(f32(f32(f32(f32(A * x1) - f32(5 * A)) * x1) + f32(8 * A)) * x1) - f32(4 * A));
  const c1 = f32(f32(f32(f32(f32(f32(A + 2) * x) - f32(A + 3)) * x) * x) + 1);
  const omx = f32(1 - x);
  const c2 = f32(f32(f32(f32(f32(f32(A + 2) * omx) - f32(A + 3)) * omx) * omx) + 1);
  const c3 = f32(f32(f32(1 - c0) - c1) - c2);
  return [c0, c1, c2, c3];
}

type Plane = Float64Array;

/** INTER_AREA with integer factors: each output the mean of a kx x ky block (sum grouped by 4, as OpenCV unrolls it). */
function areaFast(src: Plane, sw: number, sh: number, cn: number, dw: number, dh: number, kx: number, ky: number): Plane {
  const out = new Float64Array(dw * dh * cn);
  const area = kx * ky;
  const scale = f32(1 / area);
  const ofs: number[] = [];
  for (let sy = 0; sy < ky; sy++) for (let sx = 0; sx < kx; sx++) ofs.push(sy * sw * cn + sx * cn);
  for (let dy = 0; dy < dh; dy++) {
    const row = dy * ky * sw * cn;
    for (let dx = 0; dx < dw * cn; dx++) {
      const c = dx % cn;
      const base = row + kx * (dx - c) + c;
      let sum = 0;
      let k = 0;
      for (; k <= area - 4; k += 4) sum += src[base + ofs[k]!]! + src[base + ofs[k + 1]!]! + src[base + ofs[k + 2]!]! + src[base + ofs[k + 3]!]!;
      for (; k < area; k++) sum += src[base + ofs[k]!]!;
      out[dy * dw * cn + dx] = sum * scale;
    }
  }
  return out;
}

interface Decimate {
  di: number;
  si: number;
  alpha: number;
}

/** OpenCV's `computeResizeAreaTab`. */
function areaTable(ssize: number, dsize: number, cn: number, scale: number): Decimate[] {
  const tab: Decimate[] = [];
  for (let dx = 0; dx < dsize; dx++) {
    const fsx1 = dx * scale;
    const fsx2 = fsx1 + scale;
    const cellWidth = Math.min(scale, ssize - fsx1);
    let sx1 = Math.ceil(fsx1);
    let sx2 = Math.floor(fsx2);
    sx2 = Math.min(sx2, ssize - 1);
    sx1 = Math.min(sx1, sx2);
    if (sx1 - fsx1 > 1e-3) tab.push({ di: dx * cn, si: (sx1 - 1) * cn, alpha: f32((sx1 - fsx1) / cellWidth) });
    for (let sx = sx1; sx < sx2; sx++) tab.push({ di: dx * cn, si: sx * cn, alpha: f32(1 / cellWidth) });
    if (fsx2 - sx2 > 1e-3) tab.push({ di: dx * cn, si: sx2 * cn, alpha: f32(Math.min(Math.min(fsx2 - sx2, 1), cellWidth) / cellWidth) });
  }
  return tab;
}

/** INTER_AREA, any factors >= 1: weighted sums along rows into a buffer, then weighted rows into the output (`ResizeArea_Invoker`). */
function areaGeneral(src: Plane, sw: number, sh: number, cn: number, dw: number, dh: number, scaleX: number, scaleY: number): Plane {
  const out = new Float64Array(dw * dh * cn);
  const xtab = areaTable(sw, dw, cn, scaleX);
  const ytab = areaTable(sh, dh, 1, scaleY);
  const width = dw * cn;
  const buf = new Float64Array(width);
  const sum = new Float64Array(width);
  let prevDy = ytab[0]!.di;
  for (const { di: dy, si: sy, alpha: beta } of ytab) {
    buf.fill(0);
    const row = sy * sw * cn;
    for (const { si, di, alpha } of xtab) for (let c = 0; c < cn; c++) buf[di + c] = buf[di + c]! + src[row + si + c]! * alpha;
    if (dy !== prevDy) {
      for (let dx = 0; dx < width; dx++) {
        out[prevDy * width + dx] = sum[dx]!;
        sum[dx] = beta * buf[dx]!;
      }
      prevDy = dy;
    } else for (let dx = 0; dx < width; dx++) sum[dx] = sum[dx]! + beta * buf[dx]!;
  }
  for (let dx = 0; dx < width; dx++) out[prevDy * width + dx] = sum[dx]!;
  return out;
}

interface SeparablePlan {
  ksize: number;
  xofs: Int32Array;
  alpha: Float64Array;
  yofs: Int32Array;
  beta: Float64Array;
  /** Output values [lo, hi) of a row need no border handling. */
  lo: number;
  hi: number;
}

/** OpenCV's coefficient set-up of `resize` for linear (ksize 2, only as INTER_AREA's emulation when a side grows) or cubic (ksize 4). */
function separablePlan(sw: number, sh: number, cn: number, dw: number, dh: number, cubic: boolean): SeparablePlan {
  const invX = dw / sw;
  const invY = dh / sh;
  const scaleX = 1 / invX;
  const scaleY = 1 / invY;
  const areaMode = !cubic;
  const ksize = cubic ? 4 : 2;
  const ksize2 = ksize / 2;
  const xofs = new Int32Array(dw * cn);
  const alpha = new Float64Array(dw * cn * ksize);
  let xmin = 0;
  let xmax = dw;
  const coefficients = (f: number): number[] => (cubic ? cubicCoefficients(f) : [f32(1 - f), f]);
  for (let dx = 0; dx < dw; dx++) {
    let sx: number;
    let fx: number;
    if (!areaMode) {
      fx = f32((dx + 0.5) * scaleX - 0.5);
      sx = Math.floor(fx);
      fx = f32(fx - sx);
    } else {
      sx = Math.floor(dx * scaleX);
      fx = f32(dx + 1 - (sx + 1) * invX);
      fx = fx <= 0 ? 0 : f32(fx - Math.floor(fx));
    }
    if (sx < ksize2 - 1) {
      xmin = dx + 1;
      if (sx < 0 && !cubic) [fx, sx] = [0, 0];
    }
    if (sx + ksize2 >= sw) {
      xmax = Math.min(xmax, dx);
      if (sx >= sw - 1 && !cubic) [fx, sx] = [0, sw - 1];
    }
    const cb = coefficients(fx);
    for (let c = 0; c < cn; c++) {
      xofs[dx * cn + c] = sx * cn + c;
      for (let k = 0; k < ksize; k++) alpha[(dx * cn + c) * ksize + k] = cb[k]!;
    }
  }
  const yofs = new Int32Array(dh);
  const beta = new Float64Array(dh * ksize);
  for (let dy = 0; dy < dh; dy++) {
    let sy: number;
    let fy: number;
    if (!areaMode) {
      fy = f32((dy + 0.5) * scaleY - 0.5);
      sy = Math.floor(fy);
      fy = f32(fy - sy);
    } else {
      sy = Math.floor(dy * scaleY);
      fy = f32(dy + 1 - (sy + 1) * invY);
      fy = fy <= 0 ? 0 : f32(fy - Math.floor(fy));
    }
    yofs[dy] = sy;
    const cb = coefficients(fy);
    for (let k = 0; k < ksize; k++) beta[dy * ksize + k] = cb[k]!;
  }
  return { ksize, xofs, alpha, yofs, beta, lo: xmin * cn, hi: xmax * cn };
}

// A dataset's images mostly share one size: the last plan is kept.
let lastPlan: { key: string; plan: SeparablePlan } | null = null;

/** Separable linear or cubic resampling, OpenCV's `resizeGeneric_` (rows resampled once, then combined). */
function separable(src: Plane, sw: number, sh: number, cn: number, dw: number, dh: number, cubic: boolean): Plane {
  const planKey = `${sw},${sh},${cn},${dw},${dh},${cubic}`;
  if (lastPlan?.key !== planKey) lastPlan = { key: planKey, plan: separablePlan(sw, sh, cn, dw, dh, cubic) };
  const { ksize, xofs, alpha, yofs, beta, lo, hi } = lastPlan.plan;
  const ksize2 = ksize / 2;
  const swc = sw * cn;
  const width = dw * cn;
  // One horizontally resampled source row (HResizeCubic / HResizeLinear).
  const hrow = (sy: number): Float64Array => {
    const S = src.subarray(sy * swc, (sy + 1) * swc);
    const D = new Float64Array(width);
    for (let dx = 0; dx < width; dx++) {
      const a = dx * ksize;
      const sx = xofs[dx]!;
      if (cubic) {
        if (dx < lo || dx >= hi) {
          let v = 0;
          for (let j = 0; j < 4; j++) {
            let sxj = sx - cn + j * cn;
            while (sxj < 0) sxj += cn;
            while (sxj >= swc) sxj -= cn;
            v += S[sxj]! * alpha[a + j]!;
          }
          D[dx] = v;
        } else D[dx] = S[sx - cn]! * alpha[a]! + S[sx]! * alpha[a + 1]! + S[sx + cn]! * alpha[a + 2]! + S[sx + 2 * cn]! * alpha[a + 3]!;
      } else D[dx] = dx < hi ? S[sx]! * alpha[a]! + S[sx + cn]! * alpha[a + 1]! : S[sx]! * 1;
    }
    return D;
  };
  // Source rows are used in increasing order: keep each until the output passes it.
  const rows: (Float64Array | undefined)[] = new Array(sh);
  let oldest = 0;
  const rowOf = (sy: number): Float64Array => (rows[sy] ??= hrow(sy));
  const clip = (y: number): number => (y >= 0 ? (y < sh ? y : sh - 1) : 0);
  const out = new Float64Array(width * dh);
  for (let dy = 0; dy < dh; dy++) {
    const first = clip(yofs[dy]! - ksize2 + 1);
    for (; oldest < first; oldest++) rows[oldest] = undefined;
    const b = dy * ksize;
    const o = dy * width;
    const S0 = rowOf(first);
    const S1 = rowOf(clip(yofs[dy]! - ksize2 + 2));
    if (cubic) {
      const S2 = rowOf(clip(yofs[dy]! + 1));
      const S3 = rowOf(clip(yofs[dy]! + 2));
      const b0 = beta[b]!;
      const b1 = beta[b + 1]!;
      const b2 = beta[b + 2]!;
      const b3 = beta[b + 3]!;
      for (let x = 0; x < width; x++) out[o + x] = S0[x]! * b0 + S1[x]! * b1 + S2[x]! * b2 + S3[x]! * b3;
    } else {
      const b0 = beta[b]!;
      const b1 = beta[b + 1]!;
      for (let x = 0; x < width; x++) out[o + x] = S0[x]! * b0 + S1[x]! * b1;
    }
  }
  return out;
}

/**
 * `cv2.resize(data / 255.0, (dw, dh), interpolation)` as Datumaro calls it, times 255: the HWC
 * values OpenCV computes in double precision (exported for tests).
 */
export function resizeValues(data: Uint8Array, sw: number, sh: number, cn: number, dw: number, dh: number): Float64Array {
  const src = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) src[i] = data[i]! / 255;
  let out: Float64Array;
  if (sw === dw && sh === dh) out = src;
  else {
    const area = (dw / sw) * (dh / sh) < 1;
    const invX = dw / sw;
    const invY = dh / sh;
    const scaleX = 1 / invX;
    const scaleY = 1 / invY;
    if (area && scaleX >= 1 && scaleY >= 1) {
      const ix = Math.round(scaleX);
      const iy = Math.round(scaleY);
      if (Math.abs(scaleX - ix) < Number.EPSILON && Math.abs(scaleY - iy) < Number.EPSILON) out = areaFast(src, sw, sh, cn, dw, dh, ix, iy);
      else out = areaGeneral(src, sw, sh, cn, dw, dh, scaleX, scaleY);
    } else out = separable(src, sw, sh, cn, dw, dh, !area);
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * 255;
  return out;
}

/** What Datumaro's `Image.data` makes of the values: `np.clip(v, 0, 255).astype(np.uint8)` (truncation). */
function toByte(v: number): number {
  return v > 0 ? (v < 255 ? Math.trunc(v) : 255) : 0;
}

function resize(dataset: DatasetView, options: ResizeOptions): DatasetParts {
  const T = 'resize';
  checkKeys(T, options, ['width', 'height']);
  for (const k of ['width', 'height'] as const) {
    const v = options[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > 65535) throw invalid(T, k, `must be an integer 1-65535, got ${String(v)}`);
  }
  const { width, height } = options;
  if (width * height > MAX_PIXELS) {
    throw invalid(T, 'width', `x height is ${width} x ${height} = ${width * height} pixels, above the ${MAX_PIXELS}-pixel limit of one resized image`);
  }
  const items = [...dataset].map((item) => {
    const m = item.media;
    if (!m) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T}: item '${item.id}' in subset '${item.subset}' has no image to resize`, { item: item.id });
    if (m.width === 0 || m.height === 0) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T}: item '${item.id}' in subset '${item.subset}' has an empty (${m.height}x${m.width}) image`, { item: item.id });
    if (m.width === width && m.height === height) return item;
    const values = resizeValues(m.data, m.width, m.height, m.channels, width, height);
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) bytes[i] = toByte(values[i]!);
    return withItem(item, { media: new Image(bytes, height, width, m.channels, { ext: m.ext }) });
  });
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

export const RESIZE: TransformEntry = {
  summary: "Resizes every image to --width x --height (OpenCV's INTER_AREA when shrinking, INTER_CUBIC otherwise, as Datumaro).",
  run: resize as TransformEntry['run'],
  args: [
    option('-dw --width', 'width', int(1), 'the new width'),
    option('-dh --height', 'height', int(1), 'the new height'),
  ],
};
