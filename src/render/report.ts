import { browserLibraries } from './browser-libraries.js';
import { escapeHtml, formatCell, jsonForScript, scriptSafe } from './html.js';
import { PAGE_SCRIPT, PAGE_STYLE, REPORT_SPECS_ELEMENT_ID } from './page-script.js';
import { assertSafeName, assertSpecObject } from './spec.js';

export { REPORT_SPECS_ELEMENT_ID };

/** A small table shown under a chart: one array of cells per row, as many cells as columns. */
export interface ReportTable {
  columns: string[];
  rows: unknown[][];
}

export interface ReportSection {
  /** Used as the chart's data-chart-id, the HTML anchor and the file name of its SVG/PNG. */
  id: string;
  title: string;
  caption: string;
  /** A Vega-Lite spec. Its data must be inline: the page makes no network requests. */
  spec: object;
  table?: ReportTable;
}

export interface Report {
  title: string;
  /** Plain text; blank lines separate paragraphs. */
  intro?: string;
  sections: ReportSection[];
  /**
   * What made the page, shown in its footer as label: value lines (version, commit, date,
   * command, config hash): a page forwarded to a mailing list says where its numbers came from.
   */
  provenance?: ReadonlyArray<readonly [label: string, value: string]>;
}

/**
 * Each section's chart as a static SVG document (renderSvg), in section order: inlined into the
 * page, so every chart reads with scripts off (a mail client, a plain viewer); vega-embed only
 * replaces it with the interactive chart (tooltips) when scripts run.
 */
export type StaticCharts = readonly string[];

// ---------------------------------------------------------------------------------------------
// Validation and cell formatting

function assertText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${typeof value}`);
}

function validateReport(report: Report): void {
  if (typeof report !== 'object' || report === null) throw new TypeError('report must be an object');
  assertText(report.title, 'report.title');
  if (report.intro !== undefined) assertText(report.intro, 'report.intro');
  report.provenance?.forEach(([label, value], i) => {
    assertText(label, `report.provenance[${i}][0]`);
    assertText(value, `report.provenance[${i}][1]`);
  });
  if (!Array.isArray(report.sections)) throw new TypeError('report.sections must be an array');
  const seen = new Set<string>();
  report.sections.forEach((section, i) => {
    const where = `report.sections[${i}]`;
    assertSafeName(section.id, `${where}.id`);
    if (seen.has(section.id)) throw new RangeError(`${where}.id ${JSON.stringify(section.id)} is used twice`);
    seen.add(section.id);
    assertText(section.title, `${where}.title`);
    assertText(section.caption, `${where}.caption`);
    assertSpecObject(section.spec, `${where}.spec`);
    const table = section.table;
    if (table !== undefined) {
      if (!Array.isArray(table.columns) || !Array.isArray(table.rows)) {
        throw new TypeError(`${where}.table needs arrays columns and rows`);
      }
      table.columns.forEach((c, j) => assertText(c, `${where}.table.columns[${j}]`));
      table.rows.forEach((row, r) => {
        if (!Array.isArray(row) || row.length !== table.columns.length) {
          throw new RangeError(
            `${where}.table.rows[${r}] must have ${table.columns.length} cells, got ` +
              (Array.isArray(row) ? String(row.length) : typeof row),
          );
        }
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The page

function paragraphs(text: string, className: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p class="${className}">${escapeHtml(p)}</p>`)
    .join('\n');
}

function renderTable(table: ReportTable, label: string): string {
  const numeric = table.columns.map(
    (_, j) => table.rows.length > 0 && table.rows.every((row) => row[j] == null || typeof row[j] === 'number'),
  );
  const cls = (j: number): string => (numeric[j] ? ' class="num"' : '');
  const head = table.columns.map((c, j) => `<th scope="col"${cls(j)}>${escapeHtml(c)}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map((v, j) => `<td${cls(j)}>${escapeHtml(formatCell(v))}</td>`).join('')}</tr>`)
    .join('\n');
  return (
    `<table class="data" aria-label="${escapeHtml(label)}">\n<thead><tr>${head}</tr></thead>\n` +
    `<tbody>\n${body}\n</tbody>\n</table>`
  );
}

/**
 * A static SVG document made fit to sit inside the page: no XML prolog, its ids (clip paths,
 * gradients) prefixed with the chart's id so two charts' `clip1` do not collide, and sized by
 * CSS (the viewBox keeps the proportions) so a wide chart shrinks to the page.
 */
export function inlineSvg(svg: string, id: string): string {
  const prefix = `${id}-`;
  return svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\bid="([^"]+)"/g, (_m, x: string) => `id="${prefix}${x}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, x: string) => `url(#${prefix}${x})`)
    .replace(
      /(xlink:)?href="#([^"]+)"/g,
      (_m, xl: string | undefined, x: string) => `${xl ?? ''}href="#${prefix}${x}"`,
    );
}

function renderSection(section: ReportSection, svg: string | undefined): string {
  const id = section.id; // validated: [A-Za-z0-9._-] only
  const staticChart = svg === undefined ? '' : `<div class="static">${inlineSvg(svg, id)}</div>`;
  const parts = [
    `<section class="report-section" id="section-${id}">`,
    `<h2><a class="anchor" href="#section-${id}">${escapeHtml(section.title)}</a></h2>`,
    `<figure>`,
    `<div class="chart" id="chart-${id}" data-chart-id="${id}" role="img" aria-label="${escapeHtml(section.title)}">${staticChart}</div>`,
  ];
  if (section.caption.trim() !== '')
    parts.push(`<figcaption class="caption">${escapeHtml(section.caption)}</figcaption>`);
  parts.push(`</figure>`);
  if (section.table !== undefined) parts.push(renderTable(section.table, `${section.title}: data`));
  parts.push(`</section>`);
  return parts.join('\n');
}

function renderProvenance(lines: Report['provenance']): string {
  if (lines === undefined || lines.length === 0) return '';
  const items = lines.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`);
  return `<dl class="provenance">${items.join('')}</dl>`;
}

/**
 * One self-contained HTML page for a report: vega, vega-lite and vega-embed are inlined (read
 * from node_modules at run time), so the file opens offline from file://. A Content-Security-
 * Policy forbids every network request; vega needs 'unsafe-eval' for its expression code.
 */
export async function renderReportHtml(report: Report, charts: StaticCharts = []): Promise<string> {
  validateReport(report);
  if (charts.length !== 0 && charts.length !== report.sections.length) {
    throw new RangeError(`${charts.length} static charts for ${report.sections.length} sections`);
  }
  const libraries = await browserLibraries();
  const versions = libraries.map((l) => `${l.name} ${l.version}`).join(', ');
  const specs = report.sections.map((s) => ({ id: s.id, spec: s.spec }));
  const toc =
    report.sections.length > 1
      ? `<nav class="toc">${report.sections
          .map((s) => `<a href="#section-${s.id}">${escapeHtml(s.title)}</a>`)
          .join('\n')}</nav>`
      : '';
  const csp =
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; " +
    'img-src data: blob:; font-src data:';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="mermap-lab render (${escapeHtml(versions)})">`,
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${escapeHtml(report.title)}</h1>`,
    report.intro !== undefined ? paragraphs(report.intro, 'intro') : '',
    toc,
    '</header>',
    charts.length === 0
      ? '<noscript><p>The charts need JavaScript; each one is also saved next to this file as SVG and PNG.</p></noscript>'
      : '',
    ...report.sections.map((section, i) => renderSection(section, charts[i])),
    `<footer>${renderProvenance(report.provenance)}Charts drawn with ${escapeHtml(versions)}, inlined in this file${
      charts.length === 0 ? '' : '; with scripts off the page shows each chart as static SVG'
    }.</footer>`,
    '</main>',
    ...libraries.map((l) => `<script data-library="${l.name}">${scriptSafe(l.code)}</script>`),
    `<script type="application/json" id="${REPORT_SPECS_ELEMENT_ID}">${jsonForScript(specs)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
