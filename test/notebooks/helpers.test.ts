/**
 * The notebook helpers of src/notebook/ on their own (no kernel): grids expanded by the sweep's
 * plan with common seeds, statement templates recorded as facts, and the chart bundle.
 */
import { describe, expect, it } from 'vitest';
import {
  chartBundle,
  chartSvg,
  fixed,
  gridLabel,
  gridPoints,
  gridTable,
  runGrid,
  NotebookFacts,
  percent,
  VEGA_LITE_MIME,
} from '../../src/notebook/index.js';
import { lineChart } from '../../src/notebook/line-chart.js';

const BASE = { seed: 7, length: { events: 100 } };

describe('gridPoints', () => {
  it('expands the grid first key outermost, every point with the base seed', () => {
    const points = gridPoints(BASE, { 'mermap.variant': ['rfc-v1', 'rfc-later'], 'mermap.regionPages': [32, 64] });
    expect(points.map((p) => gridLabel(p.params))).toEqual([
      'mermap.variant=rfc-v1 mermap.regionPages=32',
      'mermap.variant=rfc-v1 mermap.regionPages=64',
      'mermap.variant=rfc-later mermap.regionPages=32',
      'mermap.variant=rfc-later mermap.regionPages=64',
    ]);
    expect(points.map((p) => [p.config.mermap.variant, p.config.mermap.regionPages, p.config.seed])).toEqual([
      ['rfc-v1', 32, 7],
      ['rfc-v1', 64, 7],
      ['rfc-later', 32, 7],
      ['rfc-later', 64, 7],
    ]);
  });

  it('takes the seed from the grid where the grid has one', () => {
    const points = gridPoints(BASE, { 'mermap.regionPages': [32], seed: [1, 2] });
    expect(points.map((p) => p.config.seed)).toEqual([1, 2]);
  });

  it('names the point of a bad value', () => {
    expect(() => gridPoints(BASE, { 'mermap.regionPages': [32, -1] })).toThrow(/mermap\.regionPages=-1/);
  });
});

describe('gridTable', () => {
  it('is an arquero table of the runs, one row each, grid values as columns', async () => {
    const runs = await runGrid(gridPoints(BASE, { 'mermap.regionPages': [32, 64] }));
    const table = gridTable(runs);
    expect(table.numRows()).toBe(2);
    expect(table.array('regionPages')).toEqual([32, 64]);
    expect(table.objects()).toEqual(runs.map((r) => r.row));
  });
});

describe('NotebookFacts.say', () => {
  it('fills a template from a results object and records each value under GROUP.name', () => {
    const facts = new NotebookFacts('nb');
    const text = facts.say(
      'run',
      { gets: 12345, rate: percent(0.04771, 2), kib: fixed(1.5, 1, ' KiB'), variant: 'rfc-v1' },
      '\n{variant} made {gets} gets; {rate} failed, {kib} of tables. {gets} again.\n',
    );
    expect(text).toBe('rfc-v1 made 12,345 gets; 4.77 % failed, 1.5 KiB of tables. 12,345 again.');
    expect(facts.statements).toEqual([text]);
    expect(facts.facts).toEqual({
      'run.variant': { value: 'rfc-v1', format: {}, text: 'rfc-v1' },
      'run.gets': { value: 12345, format: {}, text: '12,345' },
      'run.rate': { value: 0.04771, format: { digits: 2, scale: 100, suffix: ' %' }, text: '4.77 %' },
      'run.kib': { value: 1.5, format: { digits: 1, suffix: ' KiB' }, text: '1.5 KiB' },
    });
  });

  it('records only the values the template uses, and refuses a placeholder without a value', () => {
    const facts = new NotebookFacts('nb');
    facts.say('', { a: 1, unused: 2 }, 'a is {a}');
    expect(Object.keys(facts.facts)).toEqual(['a']);
    expect(() => facts.say('g', { a: 1 }, '{a} and {b}')).toThrow('statement placeholder {b} has no value');
  });

  it('reaches into nested results with dotted names', () => {
    const facts = new NotebookFacts('nb');
    const text = facts.say(
      '',
      { 'rfc-later': { gets: 3, rate: percent(0.5, 0) }, n: 1 },
      '{rfc-later.gets} at {rfc-later.rate}, {n}',
    );
    expect(text).toBe('3 at 50 %, 1');
    expect(Object.keys(facts.facts)).toEqual(['rfc-later.gets', 'rfc-later.rate', 'n']);
    expect(() => facts.say('', { a: { b: 1 } }, '{a}')).toThrow('statement placeholder {a} has no value');
    expect(() => facts.say('', { a: { b: 1 } }, '{a.c}')).toThrow('statement placeholder {a.c} has no value');
  });

  it('refuses the same fact with another value', () => {
    const facts = new NotebookFacts('nb');
    facts.say('g', { n: 1 }, '{n}');
    expect(() => facts.say('g', { n: 2 }, '{n}')).toThrow('fact g.n stated twice with different values (1, 2)');
  });
});

describe('chartBundle', () => {
  it('holds the Vega-Lite spec, a PNG and the title as text', async () => {
    const spec = lineChart(
      [
        { x: 1, y: 2 },
        { x: 2, y: 3 },
      ],
      { title: 'A title', caption: 'a caption', x: 'x', y: 'y', xTitle: 'x', yTitle: 'y' },
    );
    const bundle = await chartBundle(spec);
    expect(Object.keys(bundle).sort()).toEqual([VEGA_LITE_MIME, 'image/png', 'text/plain']);
    expect(bundle[VEGA_LITE_MIME]).toStrictEqual(JSON.parse(JSON.stringify(spec))); // plain JSON, as Jupyter sends it
    expect(bundle['text/plain']).toBe('<Vega-Lite chart: A title>');
    const png = Buffer.from(bundle['image/png'] as string, 'base64');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('draws the rows’ intervals as error bars over the line, and renders', async () => {
    const rows = [
      { x: 1, y: 2, lo: 1.5, hi: 2.5, extra: 'dropped' },
      { x: 2, y: 3, lo: 2, hi: 4, extra: 'dropped' },
    ];
    const spec = lineChart(rows, {
      title: 'With intervals',
      caption: 'c',
      x: 'x',
      y: 'y',
      xTitle: 'x',
      yTitle: 'y',
      interval: { lo: 'lo', hi: 'hi' },
    });
    expect(spec.data).toEqual({ values: rows.map(({ extra: _, ...r }) => r) });
    const layer = spec.layer as Array<{ mark: { type: string }; encoding: Record<string, { field?: string }> }>;
    expect(layer.map((l) => l.mark.type)).toEqual(['line', 'errorbar']);
    expect(layer[0]!.encoding.y!.field).toBe('y');
    expect([layer[1]!.encoding.y!.field, layer[1]!.encoding.y2!.field]).toEqual(['lo', 'hi']);
    // one bar per row, drawn (an aggregate in the bar's encoding once made Vega-Lite drop them)
    const svg = await chartSvg(spec);
    expect(svg.match(/aria-roledescription="errorbar"/g)?.length).toBe(rows.length);
    expect(svg).toContain('95 % interval, low: 1.5; 95 % interval, high: 2.5');
    const both = { title: 't', caption: 'c', x: 'x', y: 'y', xTitle: 'x', yTitle: 'y', column: 'x' };
    expect(() => lineChart(rows, { ...both, interval: { lo: 'lo', hi: 'hi' } })).toThrow(/interval and column/);
  });
});
