/**
 * Types for the parts of the image codec packages that cifarkit uses. upng-js ships no types;
 * jpeg-js types only its index, and cifarkit imports its decoder module alone (its encoder needs
 * Node's Buffer once bundled: see jpeg-encoder.ts).
 */

declare module 'upng-js' {
  interface UpngImage {
    width: number;
    height: number;
    /** Bits per sample: 1, 2, 4, 8 or 16. */
    depth: number;
    /** PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
    ctype: number;
    frames: unknown[];
    tabs: Record<string, unknown>;
    data: Uint8Array;
  }
  const UPNG: {
    /** Parses a PNG (throws on a bad signature; does not check CRCs). */
    decode(buffer: ArrayBuffer | Uint8Array): UpngImage;
    /** One RGBA8 ArrayBuffer per frame (one for a still image). */
    toRGBA8(image: UpngImage): ArrayBuffer[];
    /**
     * Encodes RGBA frames. `colors` 0 = lossless. Pass `forbidPlte` = true: otherwise it may
     * choose a palette whose output overflows its buffer (sized from the input) on tiny images.
     */
    encode(frames: ArrayBuffer[], width: number, height: number, colors: number, delays?: number[] | null, forbidPlte?: boolean): ArrayBuffer;
  };
  export default UPNG;
}

declare module 'jpeg-js/lib/decoder.js' {
  interface DecodeOptions {
    /** Return a Uint8Array (not a Node Buffer). cifarkit always sets it. */
    useTArray: true;
    colorTransform?: boolean;
    formatAsRGBA?: boolean;
    tolerantDecoding?: boolean;
    maxResolutionInMP?: number;
    maxMemoryUsageInMB?: number;
  }
  function decode(data: Uint8Array | ArrayBuffer, options: DecodeOptions): { width: number; height: number; data: Uint8Array };
  export default decode;
}
