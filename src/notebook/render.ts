/**
 * Charts for notebooks: Vega-Lite -> SVG markup or PNG bytes, and chart and report files.
 * vega is loaded lazily (import() inside async functions), so requiring the library stays cheap
 * and free of top-level await (tslab require()s the library).
 */

type Render = typeof import('../render/index.js');

let renderModule: Promise<Render> | null = null;
function render(): Promise<Render> {
  renderModule ??= import('../render/index.js');
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
