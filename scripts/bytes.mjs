// Byte helpers for the scripts, the tests and the web sample (plain JS, so Node, Deno and the
// browser test pages load it as it is). The library's own copy is src/bytes.ts.

/** One Uint8Array holding the parts in order. */
export function concatBytes(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
