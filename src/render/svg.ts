import { assertSpecObject, type VegaLiteSpec } from './spec.js';

/**
 * Compile a Vega-Lite spec to a Vega spec. vega-lite is loaded with a dynamic import(): its module
 * graph (through vega-canvas) has a top-level await, which `require()` — how tslab loads the
 * library in notebooks — cannot handle, so no module reachable from the library's entry may import
 * it statically.
 */
export async function compileVegaLite(spec: VegaLiteSpec): Promise<object> {
  assertSpecObject(spec);
  const vl = await import('vega-lite');
  // The runtime compiler validates the spec; the static type is only a convenience there.
  return vl.compile(spec as Parameters<typeof vl.compile>[0]).spec;
}

/**
 * Render a Vega-Lite spec to a standalone SVG document string, headless (no DOM, no canvas):
 * Vega-Lite -> Vega -> a View with the 'none' renderer -> toSVG(). The view is finalized
 * afterwards so its timers and listeners do not keep the process alive.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vegaSpec = await compileVegaLite(spec);
  const vega = await import('vega');
  const view = new vega.View(vega.parse(vegaSpec as Parameters<typeof vega.parse>[0]), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
