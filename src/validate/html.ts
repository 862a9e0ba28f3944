/**
 * A self-contained HTML page of a validation report: the summary, the label findings, and each
 * duplicate pair side by side (images inline as PNG data URLs, made by the package's PNG encoder).
 */
import type { DatasetItem } from '../model/item.js';
import type { DatasetView } from '../model/view.js';
import { encodeImage } from '../image/codecs.js';
import type { ValidationReport } from './index.js';

/**
 * The options of {@link validationReportHtml}.
 *
 * @example
 * ```ts
 * import { Dataset, validationReportHtml, type ReportHtmlOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ReportHtmlOptions = { maxPairs: 2, imageSize: 64 };
 * console.log(validationReportHtml(ds, ds.validate(), options).startsWith('<!doctype html>')); // true
 * ```
 */
export interface ReportHtmlOptions {
  /** At most this many pairs are drawn (default 500); the page says how many were left out. */
  maxPairs?: number;
  /** On-screen size of each image in CSS pixels (default 96; pixels stay sharp). */
  imageSize?: number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000)); // spread-ok: 32 KiB at a time
  return btoa(bin);
}

/**
 * The report as an HTML document (a string): the summary, the label findings and the duplicate
 * pairs with their images inline, one self-contained page.
 *
 * @example
 * ```ts
 * import { Dataset, validationReportHtml } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const html = validationReportHtml(ds, ds.validate());
 * console.log(html.includes('FewSamplesInLabel')); // true
 * ```
 */
export function validationReportHtml(dataset: DatasetView, report: ValidationReport, options: ReportHtmlOptions = {}): string {
  const maxPairs = options.maxPairs ?? 500;
  const size = options.imageSize ?? 96;
  const byKey = new Map<string, DatasetItem>();
  for (const item of dataset) byKey.set(`${item.subset}\u0000${item.id}`, item);
  const urls = new Map<string, string>();
  const img = (subset: string, id: string): string => {
    const k = `${subset}\u0000${id}`;
    let url = urls.get(k);
    if (url === undefined) {
      const media = byKey.get(k)?.media;
      url = media ? `data:image/png;base64,${base64(encodeImage(media, '.png'))}` : '';
      urls.set(k, url);
    }
    return url ? `<img src="${url}" width="${size}" height="${size}" alt="${escapeHtml(`${subset}/${id}`)}">` : '<span>(no image)</span>';
  };
  const s = report.summary;
  const rows = report.duplicates.slice(0, maxPairs).map(
    (d) =>
      `<tr><td>${img(d.a.subset, d.a.id)}<br>${escapeHtml(d.a.subset)} / ${escapeHtml(d.a.id)}</td>` +
      `<td>${img(d.b.subset, d.b.id)}<br>${escapeHtml(d.b.subset)} / ${escapeHtml(d.b.id)}</td>` +
      `<td>${d.exact ? 'exact' : `near, distance ${d.distance}`}</td></tr>`,
  );
  const findings = report.labels.map(
    (a) => `<tr><td>${a.severity}</td><td>${a.type}</td><td>${escapeHtml(a.description)}</td></tr>`,
  );
  const left = report.duplicates.length - rows.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cifarkit validate</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}img{image-rendering:pixelated}</style>
</head><body>
<h1>Validation report</h1>
<p>${s.items} items (${Object.entries(s.subsets).map(([k, v]) => `${escapeHtml(k)}: ${v}`).join(', ')}), ${s.images} images;
${s.errors} errors, ${s.warnings} warnings; ${s.exactDuplicates} exact and ${s.nearDuplicates} near-duplicate pairs
(${s.hash}, Hamming distance &le; ${s.threshold ?? '-'})${s.duplicatesTruncated ? ', list cut short' : ''}.</p>
<h2>Duplicates</h2>
${rows.length ? `<table><tr><th>a</th><th>b</th><th></th></tr>\n${rows.join('\n')}\n</table>` : '<p>none</p>'}
${left > 0 ? `<p>${left} more pairs not shown.</p>` : ''}
<h2>Labels</h2>
${findings.length ? `<table><tr><th>severity</th><th>check</th><th>finding</th></tr>\n${findings.join('\n')}\n</table>` : '<p>no findings</p>'}
</body></html>
`;
}
