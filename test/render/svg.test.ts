import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileVegaLite, renderSvg } from '../../src/render/index.js';

const barSpec = JSON.parse(readFileSync(new URL('../fixtures/render/bar.vl.json', import.meta.url), 'utf8')) as {
  data: { values: Array<{ policy: string; flushes: number }> };
};
const values = barSpec.data.values;

/** The inner markup of the (single) `<g class="mark-rect ...">` group: the bars. */
function rectGroup(svg: string): string {
  const m = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg);
  if (!m) throw new Error('no mark-rect group in the SVG');
  return m[1]!;
}

/** Bars as drawn by vega's SVG renderer: `M x,y h w v h h -w Z`. */
function bars(svg: string): Array<{ x: number; y: number; w: number; h: number }> {
  return [...rectGroup(svg).matchAll(/<path[^>]* d="M([\d.-]+),([\d.-]+)h([\d.-]+)v([\d.-]+)h-[\d.]+Z"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    w: Number(m[3]),
    h: Number(m[4]),
  }));
}

describe('renderSvg', () => {
  it('returns one standalone <svg> document sized by the spec', async () => {
    const svg = await renderSvg(barSpec);
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<svg\b/g)).toHaveLength(1);
    const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
    const height = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)?.[1]);
    // The plot area is 320x200; axes and the title add to it.
    expect(width).toBeGreaterThan(320);
    expect(height).toBeGreaterThan(200);
  });

  it('draws one rect path per data row, heights proportional to the values, in order', async () => {
    const svg = await renderSvg(barSpec);
    const group = rectGroup(svg);
    expect(group.match(/<path\b/g)).toHaveLength(values.length);
    const drawn = bars(svg);
    expect(drawn).toHaveLength(values.length);
    // y is linear from zero: height / value is the same for every bar.
    const k = drawn[0]!.h / values[0]!.flushes;
    drawn.forEach((bar, i) => expect(bar.h / values[i]!.flushes).toBeCloseTo(k, 6));
    // sort: null keeps data order, left to right.
    const xs = drawn.map((b) => b.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(new Set(xs).size).toBe(values.length);
  });

  it('contains the title, the axis titles and the category labels as text', async () => {
    const svg = await renderSvg(barSpec);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toContain('Flushes per 1000 gets');
    expect(texts).toContain('Allocator policy');
    expect(texts).toContain('TLB flushes');
    for (const v of values) expect(texts).toContain(v.policy);
  });

  it('escapes data text in the SVG', async () => {
    const svg = await renderSvg({
      ...barSpec,
      title: 'A <b> & "quote"',
    });
    expect(svg).toContain('A &lt;b&gt; &amp; "quote"');
    expect(svg).not.toContain('<b>');
  });

  it('rejects non-objects and specs vega-lite cannot compile', async () => {
    await expect(renderSvg(null as unknown as object)).rejects.toThrow(TypeError);
    await expect(renderSvg([] as unknown as object)).rejects.toThrow(/Vega-Lite specification object/);
    await expect(renderSvg({ data: { values: [] } })).rejects.toThrow(/Invalid specification/);
  });

  it('compileVegaLite produces a Vega spec with the data inline', async () => {
    const vg = (await compileVegaLite(barSpec)) as { $schema: string; data: Array<{ values?: unknown[] }> };
    expect(vg.$schema).toMatch(/vega\/v6/);
    expect(vg.data.some((d) => Array.isArray(d.values) && d.values.length === values.length)).toBe(true);
  });
});
