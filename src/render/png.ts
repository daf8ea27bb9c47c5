import type { VegaLiteSpec } from './spec.js';
import { renderSvg } from './svg.js';

export interface PngOptions {
  /** Zoom factor applied to the SVG's own size; 2 gives a crisp image for high-DPI screens. Default 1. */
  scale?: number;
}

export interface PngImage {
  /** The encoded PNG file. */
  png: Uint8Array;
  /** Pixel width of the PNG (the SVG width times the scale, rounded by resvg). */
  width: number;
  /** Pixel height of the PNG. */
  height: number;
}

/** resvg resolves the generic `sans-serif` (Vega's default font) and unnamed text to this family. */
export const PNG_FONT_FAMILY = 'DejaVu Sans';

function checkScale(scale: number): number {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 16) {
    throw new RangeError(`scale must be a finite number in (0, 16], got ${String(scale)}`);
  }
  return scale;
}

/**
 * Rasterise an SVG document with resvg (native, no browser). System fonts are loaded so chart
 * text is drawn; DejaVu Sans (Debian's fonts-dejavu-core) stands in for generic families.
 */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<PngImage> {
  const scale = checkScale(opts.scale ?? 1);
  const resvg = await import('@resvg/resvg-js');
  const image = await resvg.renderAsync(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: true,
      defaultFontFamily: PNG_FONT_FAMILY,
      sansSerifFamily: PNG_FONT_FAMILY,
    },
  });
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** Render a Vega-Lite spec to PNG: renderSvg() then svgToPng(). */
export async function renderPng(spec: VegaLiteSpec, opts: PngOptions = {}): Promise<PngImage> {
  checkScale(opts.scale ?? 1); // fail before the (slower) SVG render
  return svgToPng(await renderSvg(spec), opts);
}
