/** `cifarkit validate [target]`: the label report and duplicate images, as a short table or JSON. */
import { describeOfficialFiles, type ValidationReport } from '../index.js';

/** At most this many lines of each list in the human output (all of them are in --json). */
const SHOWN = 20;

export function formatValidation(path: string, r: ValidationReport): string {
  const s = r.summary;
  const lines: string[] = [];
  const subsets = Object.entries(s.subsets).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`${path}: ${s.items} items (${subsets || 'no subsets'}), ${s.images} images`);
  const ratio = s.imbalanceRatio === null ? '-' : Number.isFinite(s.imbalanceRatio) ? s.imbalanceRatio.toFixed(1) : 'infinite';
  lines.push(`labels: ${s.errors} errors, ${s.warnings} warnings; imbalance ratio ${ratio}`);
  lines.push(
    s.threshold === null
      ? 'duplicates: not searched'
      : `duplicates: ${s.exactDuplicates} exact, ${s.nearDuplicates} near (pHash, distance <= ${s.threshold}), ${s.acrossSubsets} of them across subsets${s.duplicatesTruncated ? ', list cut short (--max-pairs)' : ''}`,
  );
  lines.push(`official files: ${describeOfficialFiles(s.officialFiles)}`);
  if (r.labels.length) {
    lines.push('', `${'severity'.padEnd(9)}${'check'.padEnd(25)}finding`);
    for (const a of r.labels.slice(0, SHOWN)) lines.push(`${a.severity.padEnd(9)}${a.type.padEnd(25)}${a.description}`);
    if (r.labels.length > SHOWN) lines.push(`... ${r.labels.length - SHOWN} more (see --json)`);
  }
  if (r.duplicates.length) {
    const name = (k: { subset: string; id: string }) => `${k.subset}/${k.id}`;
    const shown = r.duplicates.slice(0, SHOWN);
    // spread-ok: at most SHOWN pairs, two names each
    const width = Math.min(40, Math.max(1, ...shown.flatMap((d) => [name(d.a).length, name(d.b).length])));
    // Two spaces between columns, also after a name longer than the column.
    const cell = (text: string) => `${text.padEnd(width)}  `;
    lines.push('', `${cell('a')}${cell('b')}distance`);
    for (const d of shown) lines.push(`${cell(name(d.a))}${cell(name(d.b))}${d.exact ? '0 (exact)' : d.distance}`);
    if (r.duplicates.length > SHOWN) lines.push(`... ${r.duplicates.length - SHOWN} more pairs (see --json or --report)`);
  }
  return lines.join('\n');
}
