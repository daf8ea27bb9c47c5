import path from 'node:path';
import { svgToPng, type PngOptions } from './png.js';
import { renderReportHtml, type Report } from './report.js';
import { assertSafeName, type VegaLiteSpec } from './spec.js';
import { renderSvg } from './svg.js';
import { makeDirs } from '../util/make-dirs.js';
import { assertWritableTarget, writeFileSafe } from '../util/safe-write.js';

export interface ChartFiles {
  svg: string;
  png: string;
}

export interface ReportFiles {
  html: string;
  /** One entry per section, in section order. */
  charts: Array<ChartFiles & { id: string }>;
}

/**
 * Write `data` to `file` atomically and never through a link (util/safe-write.ts): a temporary
 * file created exclusively under a random name in the same directory, then renamed over the
 * target. A reader sees the old file or the complete new one; a link or folder at `file` is
 * refused (UnsafeFileError); on failure the temporary file is removed.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  writeFileSafe(file, data);
}

interface RenderedChart {
  svg: string;
  png: Uint8Array;
}

async function renderChart(spec: VegaLiteSpec, png: PngOptions): Promise<RenderedChart> {
  const svg = await renderSvg(spec);
  return { svg, png: (await svgToPng(svg, png)).png };
}

async function writeRendered(dir: string, name: string, chart: RenderedChart): Promise<ChartFiles> {
  const files = { svg: path.join(dir, `${name}.svg`), png: path.join(dir, `${name}.png`) };
  await writeFileAtomic(files.svg, chart.svg);
  await writeFileAtomic(files.png, chart.png);
  return files;
}

/**
 * Render `spec` once and write DIR/NAME.svg and DIR/NAME.png (each atomically), creating DIR.
 * NAME must match [A-Za-z0-9][A-Za-z0-9._-]* (no path separators). Returns the absolute paths.
 */
export async function writeChartFiles(
  dir: string,
  name: string,
  spec: VegaLiteSpec,
  opts: PngOptions = {},
): Promise<ChartFiles> {
  assertSafeName(name, 'chart name');
  const chart = await renderChart(spec, opts);
  const abs = path.resolve(dir);
  makeDirs(abs);
  return writeRendered(abs, name, chart);
}

/**
 * Write a report to DIR: report.html (self-contained, each chart inlined as static SVG and
 * upgraded by vega-embed when scripts run) plus ID.svg and ID.png per section.
 * Everything is rendered in memory first, so an invalid spec throws before any file is touched;
 * each file is then replaced atomically. Returns the absolute paths.
 */
export async function writeReport(dir: string, report: Report, opts: PngOptions = {}): Promise<ReportFiles> {
  await renderReportHtml(report); // validates the report (ids, texts, tables) before any rendering
  const charts: RenderedChart[] = [];
  for (const section of report.sections) {
    try {
      charts.push(await renderChart(section.spec, opts));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`report section ${JSON.stringify(section.id)}: ${message}`, { cause: err });
    }
  }
  const html = await renderReportHtml(
    report,
    charts.map((c) => c.svg),
  );
  const abs = path.resolve(dir);
  makeDirs(abs);
  // Every destination is checked before the first is written: a link refuses the whole report.
  for (const section of report.sections) {
    for (const ext of ['svg', 'png']) assertWritableTarget(path.join(abs, `${section.id}.${ext}`));
  }
  assertWritableTarget(path.join(abs, 'report.html'));
  const written: ReportFiles['charts'] = [];
  for (const [i, section] of report.sections.entries()) {
    written.push({ id: section.id, ...(await writeRendered(abs, section.id, charts[i]!)) });
  }
  const htmlPath = path.join(abs, 'report.html');
  await writeFileAtomic(htmlPath, html);
  return { html: htmlPath, charts: written };
}
