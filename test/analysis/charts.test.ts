import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import {
  flushCostChart,
  recommendationChart,
  captionFor,
  captionLines,
  failureRateChart,
  flushFrequencyChart,
  pageTableMemoryChart,
  policyComparisonChart,
  regionTimelineChart,
  REGION_STATE_DOMAIN,
  tlbCollateralChart,
  VEGA_LITE_SCHEMA,
  wastedVaChart,
  type Spec,
} from '../../src/analysis/charts/index.js';
import { pageTableRows } from '../../src/analysis/metrics/page-tables.js';
import { runTable, summaryToRow, type RunRow } from '../../src/analysis/tables.js';
import { PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/index.js';
import { Driven } from './helpers.js';

type Enc = Record<
  string,
  { field?: string; type?: string; title?: string | string[]; aggregate?: string; scale?: Record<string, unknown> }
>;

/** An axis title as one line (long ones are set on two: fitAxisTitles). */
const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join(' ') : (t ?? ''));

/** A 1-CPU run of `gets` get/put pairs of `pages` pages. */
function run(variant: string, regionPages: number, slots: number, pages = 1, gets = 200) {
  const d = new Driven(
    { possibleCpus: 2, onlineCpus: 1, regionPages, tlb: 'tiny', variant, allocatorOptions: { slots } },
    { sampleEveryNs: 1000, regionTimeline: { mm: 0, cpu: 0, maxSteps: 40 } },
    100,
  );
  const t = d.machine.createTask(d.machine.createMm(), 0);
  const live: number[] = [];
  for (let i = 0; i < gets; i++) {
    const h = d.step((m) => m.mermapGet(t, pages, 0x100 + i, PROT_KERNEL_NOGLOBAL));
    if (h >= 0) live.push(h);
    if (live.length > 2) d.step((m) => m.mermapPut(t, live.shift()!));
  }
  const s = d.finish();
  return {
    summary: s,
    metrics: d.metrics,
    row: summaryToRow(s, { variant, regionPages, slots, cpus: 1, possibleCpus: 2, workload: 'microbench', seed: 1 }),
  };
}

function checkCommon(spec: Spec, caption: string): void {
  expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
  const title = spec.title as { text: string; subtitle: string[] };
  expect(title.text.length).toBeGreaterThan(10);
  expect(title.subtitle.join(' · ')).toContain(caption.split(' · ')[0]);
  expect((spec.usermeta as { caption: string }).caption).toBe(caption);
  // Vega-Lite compiles it (no rendering here: that is src/render's business)
  expect(() => compile(spec as never)).not.toThrow();
  JSON.stringify(spec); // plain JSON
}

function axisTitles(enc: Enc): string[] {
  return ['x', 'y'].map((k) => text(enc[k]?.title));
}

const hasUnit = (t: string) =>
  /\((?:[^)]*(pages|ms|%|KiB|entries|cycles|ns|event index|log scale|mean over runs|events that touched)[^)]*)\)/.test(
    t,
  );

describe('captions', () => {
  it('name the config in one line; lists read as the values a chart spans', () => {
    expect(
      captionFor({
        variant: 'rfc-v1',
        regionPages: 512,
        slots: 4,
        cpus: 4,
        possibleCpus: 8,
        workload: 'unmapped-alloc',
        seed: 1,
      }),
    ).toBe('variant rfc-v1 · R = 512 pages (2 MiB) · 4 slots · 4 CPUs (8 possible) · workload unmapped-alloc · seed 1');
    expect(
      captionFor({
        policy: ['rfc-v1', 'kmap-local'],
        regionPages: [64, 512],
        cpus: 1,
        seed: [1, 2, 3, 4, 5],
        tlb: 'golden-cove',
        costModel: 'molnar-2015',
        events: 1e6,
      }),
    ).toBe(
      'policies rfc-v1, kmap-local · R = 64, 512 pages · 1 CPU · seeds 1–5 (5 values) · TLB golden-cove · cost model molnar-2015 · events 1000000',
    );
    expect(captionLines(`${'a'.repeat(60)} · ${'b'.repeat(60)}`, 100)).toEqual(['a'.repeat(60), 'b'.repeat(60)]);
  });
});

describe('chart specs', () => {
  const runs = [
    run('rfc-v1', 16, 4),
    run('rfc-v1', 64, 4),
    run('rfc-v1', 16, 2, 3),
    run('rfc-v1', 64, 2, 3),
    run('rfc-later', 16, 3),
    run('rfc-later', 64, 3),
  ];
  const rows: RunRow[] = runs.map((r) => r.row);
  const caption = captionFor({
    variant: ['rfc-v1', 'rfc-later'],
    regionPages: [16, 64],
    cpus: 1,
    workload: 'microbench',
    seed: 1,
  });

  it('flush frequency vs region size: log x in pages, flushes per allocation, colour variant, panel per CPU count', () => {
    const spec = flushFrequencyChart(runTable(rows), caption);
    checkCommon(spec, caption);
    const enc = spec.encoding as Enc;
    expect(enc.x).toMatchObject({ field: 'regionPages', type: 'quantitative', scale: { type: 'log' } });
    expect(enc.y).toMatchObject({ field: 'flushesPerAllocation', aggregate: 'mean' });
    expect(text(enc.y.title)).toMatch(/per allocation/);
    expect(enc.color.field).toBe('variant');
    // one CPU count: no facet
    expect(enc.facet).toBeUndefined();
    for (const t of axisTitles(enc)) expect(hasUnit(t), t).toBe(true);
    expect((spec.data as { values: unknown[] }).values).toHaveLength(6);
  });

  it('flush frequency: any of the four rates; the order-9 note only when reserved gets meet R > 512', () => {
    for (const y of ['flushesPerSecond', 'flushesPer1000FastPathGets', 'flushesPer1000Gets'] as const)
      expect((flushFrequencyChart(rows, caption, { y }).encoding as Enc).y.field).toBe(y);
    const subtitle = (spec: Record<string, unknown>) => (spec.title as { subtitle: string[] }).subtitle.join(' ');
    expect(subtitle(flushFrequencyChart(rows, caption))).not.toMatch(/Order-9/);
    const mixed = [
      { regionPages: 512, reservedGetFraction: 0.77, flushesPerAllocation: 0.01 },
      { regionPages: 1024, reservedGetFraction: 0, flushesPerAllocation: 0.005 },
    ];
    expect(subtitle(flushFrequencyChart(mixed, caption))).toMatch(/Order-9\/10 allocations take the slow path/);
    // reserved gets at R <= 512 but no larger region: nothing to explain
    expect(subtitle(flushFrequencyChart(mixed.slice(0, 1), caption))).not.toMatch(/Order-9/);
  });

  it('wasted VA over time: x time in ms, y a share of the region', () => {
    const ts = runs[0].metrics.timeSeriesRows();
    const spec = wastedVaChart(ts, caption);
    checkCommon(spec, caption);
    const enc = spec.encoding as Enc;
    expect(enc.x).toMatchObject({ field: 'timeMs', title: 'Simulated time (ms)' });
    expect(enc.y.field).toBe('wastedMeanFraction');
    expect(text(enc.y.title)).toMatch(/share of region R/);
    // without simulated time the x axis is the op index
    const ops = wastedVaChart(
      ts.map((r) => ({ ...r, timeMs: 0 })),
      caption,
    );
    expect((ops.encoding as Enc).x.field).toBe('op');
  });

  it('wasted VA: series longer than 5,000 points are averaged into bins first', () => {
    const long = Array.from({ length: 20_000 }, (_, i) => ({
      timeMs: i / 1000,
      wastedMeanFraction: (i % 10) / 10,
      variant: i % 2 ? 'a' : 'b',
    }));
    const spec = wastedVaChart(long, 'big');
    const values = (spec.data as { values: Array<Record<string, number>> }).values;
    expect(values.length).toBeLessThanOrEqual(2000);
    expect(values.length).toBeGreaterThan(100);
    expect(values.reduce((s, v) => s + v.wastedMeanFraction, 0) / values.length).toBeCloseTo(0.45, 1);
    expect((spec.encoding as Enc).color.field).toBe('variant');
    expect((spec.title as { subtitle: string[] }).subtitle.join(' ')).toMatch(/averaged/);
  });

  it('failure rate vs region size and slots: % of gets, colour slots', () => {
    const spec = failureRateChart(rows, caption);
    checkCommon(spec, caption);
    // two variants: a panel each, the line and its error bars inside (a facet around the layers)
    expect(spec.facet).toEqual({ field: 'variant', type: 'nominal', title: 'Variant' });
    const enc = (spec.spec as Spec).encoding as Enc;
    expect(enc.x).toMatchObject({ field: 'regionPages', scale: { type: 'log' } });
    expect(enc.y).toMatchObject({ field: 'percent', aggregate: 'mean' });
    expect(text(enc.y.title)).toMatch(/%/);
    expect(enc.color).toMatchObject({ field: 'slots', title: 'Slots per CPU' });
    expect(spec.transform).toEqual([{ calculate: "datum['failureRate'] * 100", as: 'percent' }]);
  });

  it('the region timeline: rects x step, y page, fixed colour legend free / allocated / flush-pending', () => {
    const tl = runs[0].metrics.regionTimelineRows();
    expect(tl.length).toBeGreaterThan(0);
    const spec = regionTimelineChart(tl, caption);
    checkCommon(spec, caption);
    expect(spec.mark).toMatchObject({ type: 'rect' });
    const enc = spec.encoding as Enc;
    expect(enc.x.field).toBe('x0');
    expect(enc.x2.field).toBe('x1');
    expect(enc.y).toMatchObject({ field: 'page', scale: { domain: [0, 16] } });
    expect(enc.y2.field).toBe('pageEnd');
    expect(enc.color.field).toBe('state');
    expect(enc.color.scale?.domain).toEqual([...REGION_STATE_DOMAIN]);
    expect((enc.color.scale!.range as string[]).length).toBe(3);
    for (const t of axisTitles(enc)) expect(hasUnit(t), t).toBe(true);
    const v = (spec.data as { values: Array<Record<string, number>> }).values;
    expect(v.every((r) => r.x1 > r.x0)).toBe(true);
    const byOp = regionTimelineChart(tl, caption, { x: 'op' });
    expect((byOp.encoding as Enc).x.title).toBe('Operation (event index)');
  });

  it('TLB collateral per flush: stacked bars by category, from run rows or per-CPU rows', () => {
    const spec = tlbCollateralChart(rows, caption);
    checkCommon(spec, caption);
    const enc = spec.encoding as Enc;
    expect(enc.x.field).toBe('variant');
    expect(enc.y).toMatchObject({ field: 'entriesPerFlush' });
    expect(text(enc.y.title)).toMatch(/entries/);
    expect(enc.color.field).toBe('category');
    expect((enc.color.scale!.domain as string[]).map((s) => s.split(' ')[0])).toEqual([
      'mermap',
      'global',
      'other',
      'user',
    ]);
    expect((spec.data as { values: unknown[] }).values).toHaveLength(2 * 4);
    const perCpu = tlbCollateralChart(runs[0].metrics.perCpuRows(), 'cpu rows');
    expect((perCpu.encoding as Enc).x).toMatchObject({ field: 'cpu', type: 'ordinal' });
    expect(() => compile(perCpu as never)).not.toThrow();
  });

  it('page-table memory vs possible CPUs: log x, KiB per mm, colour R', () => {
    const ptRows = pageTableRows({ regionPages: [512, 1024, 4096], possibleCpus: [1, 4, 64, 1024, 8192] });
    const cap = captionFor({ regionPages: [512, 1024, 4096], possibleCpus: [1, 8192], pagingLevels: 4 });
    const spec = pageTableMemoryChart(ptRows, cap);
    checkCommon(spec, cap);
    const enc = spec.encoding as Enc;
    expect(enc.x).toMatchObject({ field: 'possibleCpus', scale: { type: 'log' } });
    expect(enc.y).toMatchObject({ field: 'kib' });
    expect(text(enc.y.title)).toMatch(/KiB/);
    expect(enc.color.field).toBe('regionPages');
    const values = (spec.data as { values: Array<Record<string, number>> }).values;
    expect(values.find((r) => r.regionPages === 512 && r.possibleCpus === 1)!.kib).toBe(12);
    // run rows work too
    const fromRuns = pageTableMemoryChart(rows, caption);
    expect((fromRuns.data as { values: Array<Record<string, number>> }).values[0]).toMatchObject({ possibleCpus: 2 });
  });

  it('policy comparison: one panel per metric with its own unit, a bar per variant', () => {
    const spec = policyComparisonChart(rows, caption);
    checkCommon(spec, caption);
    const panels = spec.hconcat as Array<{ encoding: Enc }>;
    for (const p of panels) {
      expect(p.encoding.x.field).toBe('variant');
      expect(text(p.encoding.y.title)).toMatch(/per 1,000 gets|cycles|ns|us|ms/);
    }
    expect(spec.resolve).toEqual({ scale: { y: 'independent' } });
  });

  it('flush frequency: a panel per possible-CPU count only when it changes the answer, wrapped', () => {
    const make = (perCpu: (cpus: number) => number) =>
      [1, 4, 16, 64].flatMap((possibleCpus) =>
        [64, 512].map((regionPages) => ({
          variant: 'rfc-v1',
          possibleCpus,
          regionPages,
          flushesPerAllocation: (1 / regionPages) * perCpu(possibleCpus),
        })),
      );
    const same = flushFrequencyChart(
      make(() => 1),
      'cap',
      { cpuField: 'possibleCpus' },
    );
    expect((same.encoding as Enc).facet).toBeUndefined();
    expect((same.title as { subtitle: string[] }).subtitle).toEqual([
      'cap',
      'Possible CPUs 1, 4, 16, 64: the same within 1 %, so one panel (mean over them).',
    ]);
    const differs = flushFrequencyChart(
      make((c) => c),
      'cap',
      { cpuField: 'possibleCpus' },
    );
    // a facet around the line and its error bars, wrapped after 3 panels
    expect(differs.facet).toEqual({ field: 'possibleCpus', type: 'ordinal', title: 'Possible CPUs' });
    expect(differs.columns).toBe(3);
    expect(() => compile(differs as never)).not.toThrow();
  });

  it('recommendation: a table of R per CPU count and variant, "none" its own mark, a panel per cost model', () => {
    const recs = [
      { possibleCpus: 1, variant: 'rfc-v1', regionPages: 512 },
      { possibleCpus: 1, variant: 'rfc-later', regionPages: null },
      { possibleCpus: 64, variant: 'rfc-v1', regionPages: 1024 },
    ];
    const spec = recommendationChart(recs, 'cap');
    const layers = spec.layer as Array<{ mark: { type: string }; transform?: unknown[]; encoding: Enc }>;
    expect(layers.map((l) => l.mark.type)).toEqual(['rect', 'rect', 'text']);
    expect(layers[0]!.transform).toEqual([{ filter: "datum['regionPages'] != null" }]);
    expect(layers[1]!.transform).toEqual([{ filter: "datum['regionPages'] == null" }]);
    expect(layers[2]!.encoding.text).toEqual({ field: 'label', type: 'nominal' });
    expect((spec.data as { values: Array<{ label: string }> }).values.map((v) => v.label)).toEqual([
      '512',
      'none',
      '1024',
    ]);
    expect(spec.facet).toBeUndefined();
    expect(() => compile(spec as never)).not.toThrow();
    const models = recommendationChart(
      recs.flatMap((r) => ['molnar-2015', 'zero'].map((costModel) => ({ ...r, costModel }))),
      'cap',
    );
    expect(models.facet).toEqual({ field: 'costModel', type: 'nominal', title: 'Cost model' });
    expect(models.columns).toBe(3);
    expect(() => compile(models as never)).not.toThrow();
  });

  it('flush cost vs region size: % of cycles from costOverheadFraction', () => {
    const spec = flushCostChart(
      [64, 512].map((regionPages) => ({ variant: 'rfc-v1', regionPages, costOverheadFraction: 64 / regionPages / 10 })),
      'cap',
    );
    expect(spec.transform).toEqual([
      { calculate: "datum['costOverheadFraction'] * 100", as: 'costOverheadFraction_scaled' },
    ]);
    const y = (spec.encoding as Enc).y;
    expect(y.field).toBe('costOverheadFraction_scaled');
    expect(text(y.title)).toBe('Flush cost (% of cycles, mean over runs)');
    expect(() => compile(spec as never)).not.toThrow();
  });

  it('policy comparison: no panel for a metric that is 0 everywhere, durations in the unit their range needs', () => {
    const row = (variant: string, exposure: number) => ({
      variant,
      flushesPer1000Gets: 2,
      invlpgsPer1000Gets: 0,
      costPerGetCycles: 5,
      exposureMeanNs: exposure,
    });
    const spec = policyComparisonChart([row('a', 2_000_000), row('b', 500_000)], 'cap');
    const panels = spec.hconcat as Array<{ encoding: Enc; transform?: unknown[] }>;
    expect(panels.map((p) => p.encoding.y.field)).toEqual([
      'flushesPer1000Gets',
      'costPerGetCycles',
      'exposureMeanNs_ms',
    ]);
    expect(panels[2]!.encoding.y.title).toBe('Mean stale exposure (ms)');
    expect(panels[2]!.transform).toEqual([{ calculate: "datum['exposureMeanNs'] / 1000000", as: 'exposureMeanNs_ms' }]);
    expect((spec.title as { subtitle: string[] }).subtitle).toEqual([
      'cap',
      'INVLPGs per 1,000 gets: 0 in every run (not drawn).',
    ]);
    const us = policyComparisonChart([row('a', 900_000)], 'cap').hconcat as Array<{ encoding: Enc }>;
    expect(us[2]!.encoding.y.title).toBe('Mean stale exposure (us)');
    expect(() => compile(spec as never)).not.toThrow();
  });

  it('a missing caption is derived from the rows', () => {
    const spec = flushFrequencyChart(rows);
    expect((spec.usermeta as { caption: string }).caption).toBe(
      'variants rfc-v1, rfc-later · R = 16, 64 pages · 2, 3, 4 slots · 1 CPU (2 possible) · workload microbench · seed 1 · cost model molnar-2015',
    );
  });
});

describe('fitAxisTitles', () => {
  it('sets long axis titles on two lines, breaking before a parenthesis, and leaves short ones alone', async () => {
    const { fitAxisTitles } = await import('../../src/analysis/charts/common.js');
    const spec = fitAxisTitles({
      encoding: {
        x: { title: 'Region size R (pages)' },
        y: { title: 'Page of the region (offset from the CPU base, pages)' },
      },
      spec: { encoding: { y: { title: 'Full flushes per 1,000 gets (mean over runs)' } } },
    });
    expect(spec).toEqual({
      encoding: {
        x: { title: 'Region size R (pages)' },
        y: { title: ['Page of the region', '(offset from the CPU base, pages)'] },
      },
      spec: { encoding: { y: { title: ['Full flushes per 1,000 gets', '(mean over runs)'] } } },
    });
  });
});
