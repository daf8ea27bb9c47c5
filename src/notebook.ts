/**
 * Helpers for notebooks (tslab): render a Vega-Lite spec to SVG markup or PNG bytes, write
 * chart files, run a small grid of runs in-process with a progress callback, record the numbers a
 * notebook states (NotebookFacts, checked by test/notebooks), and small display helpers.
 * vega is loaded lazily (import() inside async functions), so requiring the library stays cheap
 * and free of top-level await.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runConfig, runRow, type RunResult } from './analysis/run.js';
import type { RunSummary } from './analysis/metrics/run-metrics.js';
import type { RunRow } from './analysis/tables.js';
import { specHeader, type Spec } from './analysis/charts/common.js';
import { parseRunConfig, type RunConfig, type RunConfigInput } from './config/index.js';
import { makeDirs } from './util/make-dirs.js';

type Render = typeof import('./render/index.js');

let renderModule: Promise<Render> | null = null;
function render(): Promise<Render> {
  renderModule ??= import('./render/index.js');
  return renderModule;
}

/** SVG markup of a chart, ready for tslab.display.html(). */
export async function chartSvg(spec: object): Promise<string> {
  return (await render()).renderSvg(spec);
}

/** PNG bytes of a chart, for tslab.display.png(). */
export async function chartPng(spec: object, scale = 1): Promise<Uint8Array> {
  return (await render()).renderPng(spec, { scale }).then((p) => p.png);
}

/** Write DIR/NAME.svg and DIR/NAME.png (atomically); returns the two paths. */
export async function exportChart(dir: string, name: string, spec: object): Promise<{ svg: string; png: string }> {
  return (await render()).writeChartFiles(dir, name, spec);
}

/** Write report.html plus one SVG and PNG per section into dir. */
export async function exportReport(
  dir: string,
  report: {
    title: string;
    intro?: string;
    sections: Array<{ id: string; title: string; caption: string; spec: object }>;
  },
): Promise<string> {
  return (await render()).writeReport(dir, report).then((f) => f.html);
}

// ---------------------------------------------------------------------------------------------
// In-process grids of runs (small sweeps inside a notebook), with a progress callback.

export type GridValue = string | number | boolean;

/** One point of an in-process grid: the grid values (by dotted config path) and its full config. */
export interface GridPoint {
  params: Record<string, GridValue>;
  config: RunConfig;
}

function setPath(target: Record<string, unknown>, dotted: string, value: GridValue): void {
  const keys = dotted.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (next === undefined || next === null) o[k] = {};
    else if (typeof next !== 'object' || Array.isArray(next))
      throw new TypeError(`grid path ${dotted}: ${k} is not an object`);
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

/**
 * The cartesian product of `grid` (dotted config path -> values) over `base`, first key the
 * outermost loop. Every point keeps base's seed (common random numbers: the points differ only in
 * the grid values). Each config is validated; a bad value throws a ConfigError naming the point.
 */
export function gridPoints(base: RunConfigInput, grid: Record<string, ReadonlyArray<GridValue>>): GridPoint[] {
  const keys = Object.keys(grid);
  const out: GridPoint[] = [];
  const walk = (i: number, params: Record<string, GridValue>): void => {
    if (i === keys.length) {
      const input = structuredClone(base) as Record<string, unknown>;
      for (const [k, v] of Object.entries(params)) setPath(input, k, v);
      out.push({ params: { ...params }, config: parseRunConfig(input, `grid point ${gridLabel(params)}`) });
      return;
    }
    for (const v of grid[keys[i]]) walk(i + 1, { ...params, [keys[i]]: v });
  };
  walk(0, {});
  return out;
}

/** "mermap.variant=rfc-v1 mermap.regionPages=64" */
export function gridLabel(params: Record<string, GridValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export interface GridProgress {
  done: number;
  total: number;
  elapsedSeconds: number;
  /** estimated seconds left (null before the first run finished) */
  etaSeconds: number | null;
  /** events simulated so far */
  events: number;
  /** the point that just finished (null at the start) */
  last: GridPoint | null;
}

export interface GridRun {
  params: Record<string, GridValue>;
  config: RunConfig;
  /** runRow() of the run plus each grid value under its last path segment (when not a column already) */
  row: RunRow;
  summary: RunSummary;
  /** the whole RunResult, only when options.keepResults is set */
  result?: RunResult;
}

export interface GridRunOptions {
  onProgress?: (p: GridProgress) => void;
  /** keep each run's RunResult (machine included: memory grows with the grid) */
  keepResults?: boolean;
  /** record the region timeline of (mm 0, CPU 0) in each run */
  regionTimeline?: boolean;
}

/** A run's row with the grid values added under their last path segment ('workload.threadsPerMm' -> threadsPerMm). */
export function gridRow(params: Record<string, GridValue>, config: RunConfig, summary: RunSummary): RunRow {
  const row = runRow(config, summary);
  for (const [k, v] of Object.entries(params)) {
    const short = k.split('.').pop()!;
    if (!(short in row)) row[short] = v;
  }
  return row;
}

/**
 * Run every point in this process, one after another, yielding to the event loop between runs
 * so that a notebook's progress display is sent while the grid runs. Deterministic: each run
 * depends only on its config.
 */
export async function runGrid(points: ReadonlyArray<GridPoint>, opts: GridRunOptions = {}): Promise<GridRun[]> {
  const t0 = performance.now();
  const out: GridRun[] = [];
  let events = 0;
  const report = (last: GridPoint | null): void => {
    if (opts.onProgress === undefined) return;
    const elapsed = (performance.now() - t0) / 1000;
    const done = out.length;
    opts.onProgress({
      done,
      total: points.length,
      elapsedSeconds: elapsed,
      etaSeconds: done > 0 ? (elapsed / done) * (points.length - done) : null,
      events,
      last,
    });
  };
  report(null);
  for (const p of points) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const result = runConfig(p.config, { regionTimeline: opts.regionTimeline });
    events += result.drive.events;
    const run: GridRun = {
      params: p.params,
      config: p.config,
      row: gridRow(p.params, p.config, result.summary),
      summary: result.summary,
    };
    if (opts.keepResults) run.result = result;
    out.push(run);
    report(p);
  }
  return out;
}

/** One progress line: "sweep: 12/56 runs (21 %), 1.4 s elapsed, about 5.1 s left; last: ..." */
export function formatGridProgress(p: GridProgress, label = 'runs'): string {
  const pct = p.total > 0 ? Math.round((p.done / p.total) * 100) : 100;
  let s = `${label}: ${p.done}/${p.total} runs (${pct} %), ${p.events.toLocaleString('en-US')} events, ${p.elapsedSeconds.toFixed(1)} s elapsed`;
  if (p.done < p.total && p.etaSeconds !== null) s += `, about ${p.etaSeconds.toFixed(1)} s left`;
  if (p.done === p.total) s += ', done';
  if (p.last !== null && p.done < p.total) s += `; last: ${gridLabel(p.last.params)}`;
  return s;
}

/**
 * A progress callback for runGrid that writes formatGridProgress() lines to `show` (e.g. a tslab
 * display handle's text()), at most every `everyMs` milliseconds, plus the first and the last.
 */
export function progressPrinter(
  show: (text: string) => void,
  label = 'runs',
  everyMs = 250,
): (p: GridProgress) => void {
  let lastShown = -Infinity;
  return (p) => {
    const now = performance.now();
    if (p.done === 0 || p.done === p.total || now - lastShown >= everyMs) {
      lastShown = now;
      show(formatGridProgress(p, label));
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Facts: the numbers a notebook states in its text, recorded as they are stated, so a test can
// recompute them and find them in the executed notebook's output.

export type FactValue = number | string | boolean;

export interface FactFormat {
  /** decimals shown (numbers; default 0) */
  digits?: number;
  /** multiply before showing (e.g. 100 for a percentage, 1/1024 for KiB; default 1) */
  scale?: number;
  /** appended to the number (e.g. ' %', ' KiB') */
  suffix?: string;
}

export interface FactRecord {
  value: FactValue;
  format: FactFormat;
  /** the value as it appears in the text */
  text: string;
}

/** A fact's text: numbers scaled, with `digits` decimals and en-US grouping ("1,028", "4.77 %"). */
export function formatFact(value: FactValue, format: FactFormat = {}): string {
  if (typeof value !== 'number') return String(value);
  const d = format.digits ?? 0;
  const v = value * (format.scale ?? 1);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) + (format.suffix ?? '');
}

export interface NotebookFactsFile {
  notebook: string;
  /** what the notebook's numbers were computed from (what a test needs to recompute them) */
  params: Record<string, unknown>;
  facts: Record<string, FactRecord>;
  /** the sentences shown in the notebook, each containing one or more fact texts */
  statements: string[];
  /** exported chart files, relative to the facts file's folder */
  charts: Array<{ name: string; svg: string; png: string }>;
}

export class NotebookFacts {
  readonly notebook: string;
  readonly params: Record<string, unknown>;
  readonly facts: Record<string, FactRecord> = {};
  readonly statements: string[] = [];
  /** exported charts: name and absolute file paths */
  private readonly chartFiles: Array<{ name: string; svg: string; png: string }> = [];

  constructor(notebook: string, params: Record<string, unknown> = {}) {
    this.notebook = notebook;
    this.params = params;
  }

  /** Record a computed value under `key` and return its text, for use in a statement. */
  fact(key: string, value: FactValue, format: FactFormat = {}): string {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new RangeError(`fact ${key}: ${value} is not a finite number`);
    const text = formatFact(value, format);
    const prev = this.facts[key];
    if (prev !== undefined && (prev.value !== value || prev.text !== text)) {
      throw new Error(`fact ${key} stated twice with different values (${prev.text}, ${text})`);
    }
    this.facts[key] = { value, format, text };
    return text;
  }

  /** Record a sentence as stated (show the returned text, e.g. with tslab.display.markdown). */
  state(sentence: string): string {
    this.statements.push(sentence);
    return sentence;
  }

  /** exportChart() into `dir`, recorded; returns the file names (not paths). */
  async exportChart(dir: string, name: string, spec: object): Promise<{ svg: string; png: string }> {
    const files = await exportChart(dir, name, spec);
    const i = this.chartFiles.findIndex((c) => c.name === name);
    if (i >= 0) this.chartFiles.splice(i, 1);
    this.chartFiles.push({ name, svg: path.resolve(files.svg), png: path.resolve(files.png) });
    return { svg: path.basename(files.svg), png: path.basename(files.png) };
  }

  /** The exported charts, their paths relative to `dir` (default: the working directory), '/'-separated. */
  charts(dir = '.'): NotebookFactsFile['charts'] {
    const rel = (f: string) => path.relative(path.resolve(dir), f).split(path.sep).join('/');
    return this.chartFiles.map((c) => ({ name: c.name, svg: rel(c.svg), png: rel(c.png) }));
  }

  /** The facts file's content; chart paths relative to `dir` (default: the working directory). */
  toJSON(dir = '.'): NotebookFactsFile {
    return {
      notebook: this.notebook,
      params: this.params,
      facts: this.facts,
      statements: this.statements,
      charts: this.charts(dir),
    };
  }

  /** Write DIR/NOTEBOOK.facts.json (chart paths in it relative to DIR); returns the file name. */
  async write(dir: string): Promise<string> {
    makeDirs(dir);
    const name = `${this.notebook}.facts.json`;
    await writeFile(path.join(dir, name), `${JSON.stringify(this.toJSON(dir), null, 2)}\n`);
    return name;
  }
}

// ---------------------------------------------------------------------------------------------
// Small display helpers.

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An HTML table of rows (columns: the given ones, or the first row's keys), numbers right-aligned. */
export function htmlTable(rows: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): string {
  const cols = columns ?? (rows.length > 0 ? Object.keys(rows[0]) : []);
  const cell = (v: unknown): string => {
    if (typeof v === 'number')
      return `<td style="text-align:right">${escapeHtml(Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 4 }))}</td>`;
    return `<td style="text-align:left">${escapeHtml(v === null || v === undefined ? '' : String(v))}</td>`;
  };
  const head = cols.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cols.map((c) => cell(r[c])).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Text in a <pre> block (region renderings, checker output), escaped. */
export function htmlPre(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`;
}

export interface LineChartOptions {
  title: string;
  caption: string;
  x: string;
  y: string;
  xTitle: string;
  yTitle: string;
  /** series field */
  color?: string;
  colorTitle?: string;
  /** panel field */
  column?: string;
  columnTitle?: string;
  xLog?: boolean;
  yLog?: boolean;
}

/** A plain Vega-Lite line chart (points marked; y is the mean over rows sharing x, series and panel). */
export function lineChart(rows: ReadonlyArray<Record<string, unknown>>, o: LineChartOptions): Spec {
  const encoding: Spec = {
    x: { field: o.x, type: 'quantitative', title: o.xTitle, ...(o.xLog ? { scale: { type: 'log', base: 2 } } : {}) },
    y: {
      field: o.y,
      type: 'quantitative',
      aggregate: 'mean',
      title: o.yTitle,
      ...(o.yLog ? { scale: { type: 'log' } } : {}),
    },
    tooltip: [
      { field: o.x, type: 'quantitative', title: o.xTitle },
      { field: o.y, type: 'quantitative', aggregate: 'mean', title: o.yTitle, format: ',.3~f' },
    ],
  };
  const keep = [o.x, o.y, ...(o.color ? [o.color] : []), ...(o.column ? [o.column] : [])];
  if (o.color) encoding.color = { field: o.color, type: 'ordinal', title: o.colorTitle ?? o.color };
  if (o.column) encoding.column = { field: o.column, type: 'ordinal', title: o.columnTitle ?? o.column };
  return {
    ...specHeader(o.title, o.caption),
    data: { values: rows.map((r) => Object.fromEntries(keep.map((k) => [k, r[k] ?? null]))) },
    mark: { type: 'line', point: true },
    encoding,
    width: o.column ? 260 : 420,
    height: 240,
  };
}
