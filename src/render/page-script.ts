/**
 * What a report page carries besides its content: the script that embeds each chart (and
 * reports progress on window, for tests) and the style sheet.
 */

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

/** The page's own script: embeds each chart and reports progress on window for tests. */
export const PAGE_SCRIPT = `(function () {
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

export const PAGE_STYLE = `
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
