import { concatBytes } from '../../scripts/bytes.mjs';
/** A test-only tar writer for the entries no well-behaved writer makes (NUL in names, bad checksums, huge sizes). */

const enc = new TextEncoder();

export interface RawEntry {
  name: string;
  data?: Uint8Array;
  /** Type flag character, '0' by default. */
  type?: string;
  /** Size written in the header (default: the data's length). */
  size?: number;
  /** Raw bytes for the name field (overrides `name`). */
  nameBytes?: Uint8Array;
}

function octal(block: Uint8Array, at: number, len: number, value: number): void {
  block.set(enc.encode(value.toString(8).padStart(len - 1, '0')), at);
}

export function tarHeader(e: RawEntry): Uint8Array {
  const h = new Uint8Array(512);
  h.set((e.nameBytes ?? enc.encode(e.name)).subarray(0, 100), 0);
  octal(h, 100, 8, 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, e.size ?? e.data?.length ?? 0);
  octal(h, 136, 12, 0);
  h[156] = (e.type ?? '0').charCodeAt(0);
  h.set(enc.encode('ustar\x0000'), 257);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  return h;
}

/** A pax 'x' header body. */
export function paxBody(records: Record<string, string>): Uint8Array {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    const base = enc.encode(rest).length;
    let len = base + 1;
    while (len !== base + String(len).length) len = base + String(len).length;
    out += `${len}${rest}`;
  }
  return enc.encode(out);
}

export function tar(entries: RawEntry[], { end = true } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    parts.push(tarHeader(e));
    if (e.data && e.data.length > 0) {
      const padded = new Uint8Array(Math.ceil(e.data.length / 512) * 512);
      padded.set(e.data);
      parts.push(padded);
    }
  }
  if (end) parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}
