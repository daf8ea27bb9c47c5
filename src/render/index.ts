/**
 * Rendering: Vega-Lite specs to SVG, PNG and a self-contained HTML report.
 *
 * The only module of the project that loads vega, vega-lite, vega-embed and resvg, and only via
 * dynamic import() inside async functions, so importing this module (or `require()`-ing its
 * build, as tslab does in notebooks) never evaluates vega's top-level-await graph.
 */
export type { VegaLiteSpec } from './spec.js';
export { renderSvg, compileVegaLite } from './svg.js';
export { renderPng, svgToPng, PNG_FONT_FAMILY, type PngImage, type PngOptions } from './png.js';
export {
  renderReportHtml,
  REPORT_SPECS_ELEMENT_ID,
  type Report,
  type ReportSection,
  type ReportTable,
} from './report.js';
export { escapeHtml, formatCell } from './html.js';
export { writeChartFiles, writeReport, writeFileAtomic, type ChartFiles, type ReportFiles } from './write.js';
