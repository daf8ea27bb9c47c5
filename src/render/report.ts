import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeName, assertSpecObject } from './spec.js';

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

/**
 * How the page works (what a browser test can rely on):
 * - every chart sits in `<div class="chart" data-chart-id="ID">`, its caption (if any) right
 *   under it; the div holds the static SVG (`<div class="static">`) until vega-embed has drawn
 *   the interactive chart, which then replaces it;
 * - the specs travel in one `<script type="application/json" id="mermap-report-specs">`;
 * - `window.__chartsTotal` is the number of charts, `window.__chartsRendered` counts the
 *   vega-embed promises that resolved, `window.__chartErrors` collects `{id, message}` for charts
 *   that failed and for uncaught page errors (id `null`);
 * - when every chart settled, `document.documentElement.dataset.chartsDone === 'true'`.
 */
export const REPORT_SPECS_ELEMENT_ID = 'mermap-report-specs';

// ---------------------------------------------------------------------------------------------
// The browser builds of vega, vega-lite and vega-embed, inlined into the page.

interface BrowserLibrary {
  name: string;
  version: string;
  code: string;
}

const BROWSER_LIBRARIES = ['vega', 'vega-lite', 'vega-embed'] as const;

/**
 * Locate a package's root from its resolved entry point. The packages' `exports` maps do not
 * expose ./package.json, so `require.resolve('vega/package.json')` throws
 * ERR_PACKAGE_PATH_NOT_EXPORTED; resolve the entry and walk up to the package.json naming it.
 */
function packageRoot(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === name) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package root of ${name}`);
    dir = parent;
  }
}

async function loadBrowserLibrary(name: string): Promise<BrowserLibrary> {
  const root = packageRoot(name);
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
    jsdelivr?: string;
    unpkg?: string;
  };
  // The CDN fields name the minified UMD build; build/NAME.min.js is the same file by convention.
  const candidates = [pkg.jsdelivr, pkg.unpkg, `build/${name}.min.js`].filter(
    (p): p is string => typeof p === 'string' && p.endsWith('.js'),
  );
  const file = candidates.map((p) => path.join(root, p)).find((p) => existsSync(p));
  if (file === undefined) {
    throw new Error(
      `no browser (UMD) build of ${name} ${pkg.version} found in ${root} (looked for ${candidates.join(', ')}); ` +
        'reinstall node_modules with scripts/setup.sh',
    );
  }
  return { name, version: pkg.version, code: await readFile(file, 'utf8') };
}

let librariesPromise: Promise<BrowserLibrary[]> | undefined;

function browserLibraries(): Promise<BrowserLibrary[]> {
  librariesPromise ??= Promise.all(BROWSER_LIBRARIES.map(loadBrowserLibrary)).catch((err: unknown) => {
    librariesPromise = undefined; // do not cache a failure
    throw err;
  });
  return librariesPromise;
}

// ---------------------------------------------------------------------------------------------
// Escaping

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that is safe inside a <script> element: no '<', '>' or '&' can end the element or open a
 * comment, and U+2028/U+2029 are escaped too. JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Library code inlined in a <script>: neutralise any '</script' or '<!--' (in strings or regexps). */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

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

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fractionFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/**
 * Table cell text: integers exactly (with thousands separators), other numbers to 6 significant
 * digits, null/undefined empty, dates as ISO 8601, objects as JSON.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? integerFormat.format(value) : fractionFormat.format(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
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

/** The page's own script: embeds each chart and reports progress on window for tests. */
const BOOT_SCRIPT = `(function () {
  'use strict';
  var errors = (window.__chartErrors = []);
  window.__chartsRendered = 0;
  window.addEventListener('error', function (event) {
    errors.push({ id: null, message: String(event.message || event.error || 'error') });
  });
  window.addEventListener('unhandledrejection', function (event) {
    var r = event.reason;
    errors.push({ id: null, message: String((r && r.message) || r) });
  });
  var entries = JSON.parse(document.getElementById('${REPORT_SPECS_ELEMENT_ID}').textContent);
  window.__chartsTotal = entries.length;
  function fail(entry, el, err) {
    var message = String((err && err.message) || err);
    errors.push({ id: entry.id, message: message });
    if (el) {
      el.classList.add('chart-error');
      el.textContent = 'This chart could not be drawn: ' + message;
    }
  }
  var jobs = entries.map(function (entry) {
    var el = document.getElementById('chart-' + entry.id);
    if (!el) return Promise.resolve(fail(entry, null, new Error('no container for chart ' + entry.id)));
    if (typeof vegaEmbed !== 'function') return Promise.resolve(fail(entry, null, new Error('vega-embed did not load')));
    var live = document.createElement('div');
    el.appendChild(live);
    return vegaEmbed(live, entry.spec, { mode: 'vega-lite', renderer: 'svg', actions: false, tooltip: true }).then(
      function () {
        var still = el.querySelector(':scope > .static');
        if (still) still.remove();
        window.__chartsRendered += 1;
      },
      function (err) { live.remove(); fail(entry, el.querySelector(':scope > .static') ? null : el, err); }
    );
  });
  Promise.all(jobs).then(function () { document.documentElement.dataset.chartsDone = 'true'; });
})();`;

const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6474; --line: #d9dee7; --bg: #f6f7f9; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
header h1 { margin: 0 0 8px; font-size: 26px; }
.intro { color: var(--muted); margin: 0 0 8px; max-width: 72ch; }
nav.toc { margin: 12px 0 8px; font-size: 14px; }
nav.toc a { color: var(--muted); margin-right: 14px; white-space: nowrap; }
.report-section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 16px 20px 18px; margin: 20px 0; }
.report-section h2 { margin: 0 0 10px; font-size: 18px; }
.report-section h2 a { color: inherit; text-decoration: none; }
figure { margin: 0; }
.chart { min-height: 40px; }
.chart svg { max-width: 100%; height: auto; }
.chart-error { color: #a11; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
.caption { color: var(--muted); font-size: 14px; margin-top: 6px; max-width: 80ch; }
table.data { border-collapse: collapse; margin-top: 12px; font-size: 13px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left; }
table.data th { font-weight: 600; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
footer dt { font-weight: 600; }
footer dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
`;

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
    `<style>${STYLE}</style>`,
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
    `<script>${BOOT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
