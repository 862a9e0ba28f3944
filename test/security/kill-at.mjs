// Runs the built `cifarkit` bin with the kill tests' hook set: `node kill-at.mjs POINT ARGS...`
// makes the process SIGKILL itself at POINT (see src/io/staging.ts); POINT `-` sets no hook.
const [point] = process.argv.splice(2, 1);
if (point !== '-') globalThis[Symbol.for('cifarkit.test.killAt')] = point;
await import('../../bin/cifarkit.mjs');
