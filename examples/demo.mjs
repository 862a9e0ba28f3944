// `npm start`: read a CIFAR dataset and print what is in it.
// Usage: node examples/demo.mjs [path]   (default: the bundled sample in the original CIFAR-10 layout)
import { Dataset, getBackend, CifarkitError } from 'cifarkit';

const path = process.argv[2] ?? new URL('../test/fixtures/generated/py2-cifar10', import.meta.url).pathname;

try {
  const started = performance.now();
  const ds = await Dataset.importFrom(path);
  const ms = performance.now() - started;
  console.log(`${path}\n  format ${ds.format}, ${ds.size} items, ${ds.labels.length} labels, read in ${ms.toFixed(1)} ms (${getBackend()} kernels)\n`);

  console.log('subsets');
  for (const s of ds.subsets()) console.log(`  ${s.padEnd(16)} ${String(ds.getSubset(s).length).padStart(6)} items`);

  const counts = new Map(ds.labels.items.map((_, i) => [i, 0]));
  const sizes = new Map();
  let unlabelled = 0;
  for (const item of ds) {
    if (item.annotations.length === 0) unlabelled++;
    for (const a of item.annotations) counts.set(a.label, counts.get(a.label) + 1);
    const size = item.media ? `${item.media.height}x${item.media.width}` : 'no image';
    sizes.set(size, (sizes.get(size) ?? 0) + 1);
  }
  const most = Math.max(1, ...counts.values());
  console.log('\nlabels');
  for (const [i, n] of counts) {
    const { name, parent } = ds.labels.items[i];
    const shown = parent ? `${name} (${parent})` : name;
    console.log(`  ${shown.padEnd(28)} ${String(n).padStart(6)} ${'#'.repeat(Math.round((n / most) * 30))}`);
  }
  if (unlabelled) console.log(`  ${'(unlabelled)'.padEnd(28)} ${String(unlabelled).padStart(6)}`);
  console.log('\nimage sizes');
  for (const [size, n] of sizes) console.log(`  ${size.padEnd(16)} ${String(n).padStart(6)}`);
} catch (err) {
  if (err instanceof CifarkitError) {
    console.error(`error [${err.code}] ${err.message}`);
    process.exit(1);
  }
  throw err;
}
