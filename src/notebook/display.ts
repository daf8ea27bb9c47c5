/**
 * Showing things in a tslab notebook: charts as one output that JupyterLab draws with vega-embed
 * (tooltips, actions) and that static exports show as a PNG, and escaped text blocks.
 */
import { createRequire } from 'node:module';
import { escapeHtml } from '../render/html.js';
import { chartPng } from './render.js';

/**
 * The Jupyter MIME type JupyterLab's built-in Vega renderer takes for Vega-Lite specs. Our specs
 * declare the v6 schema; JupyterLab 4 registers v3 to v5 only, and vega-embed there draws these
 * specs (no v6-only feature is used), so v5 is the type that gets them drawn.
 */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/** One display_data bundle: MIME type -> data (JSON for Vega-Lite, base64 for PNG). */
export type MimeBundle = Record<string, unknown>;

/**
 * A chart as one output with three representations. A front end shows the richest it knows:
 * JupyterLab and Notebook 7 the interactive Vega-Lite chart (their Vega renderer ranks before
 * images), nbconvert's HTML export the PNG (its output priority has no Vega-Lite; SVG is not
 * used because Debian's nbconvert 6.5 drops image/svg+xml from HTML exports, and text/html would
 * rank before Vega-Lite in JupyterLab), a terminal the title.
 */
export async function chartBundle(spec: object): Promise<MimeBundle> {
  const png = await chartPng(spec);
  const title = (spec as { title?: { text?: unknown } | string }).title;
  const text = typeof title === 'string' ? title : typeof title?.text === 'string' ? title.text : 'chart';
  return {
    [VEGA_LITE_MIME]: JSON.parse(JSON.stringify(spec)),
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': `<Vega-Lite chart: ${text}>`,
  };
}

type WriteDisplayData = (data: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

/**
 * tslab's display API sends one MIME type per output; a bundle needs the function behind it,
 * which tslab keeps in its jupyter module (already loaded in the kernel process).
 */
function tslabWriter(): WriteDisplayData {
  const cache = createRequire(import.meta.url).cache;
  // The kernel's tslab is the copy executing a cell; another copy (the notebook's own `import
  // 'tslab'` resolved from elsewhere) may be loaded too, with no display of its own.
  for (const key of Object.keys(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const write = (cache[key]?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof write === 'function') return write as WriteDisplayData;
  }
  throw new Error('showChart: not running in a tslab kernel (no tslab display)');
}

/** Show a MIME bundle as one output of the running cell (tslab kernels only). */
export function showBundle(bundle: MimeBundle): void {
  tslabWriter()({ data: bundle, metadata: {}, transient: {} }, false);
}

/** Show a Vega-Lite chart: interactive in JupyterLab, a PNG in the HTML export (chartBundle). */
export async function showChart(spec: object): Promise<void> {
  showBundle(await chartBundle(spec));
}

/** Text in a <pre> block (region renderings, checker output), escaped. */
export function htmlPre(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`;
}
