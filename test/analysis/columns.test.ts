import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  failureRateChart,
  flushFrequencyChart,
  pageTableMemoryChart,
  policyComparisonChart,
  regionTimelineChart,
  type Spec,
  tlbCollateralChart,
  wastedVaByRegionChart,
  wastedVaChart,
} from '../../src/analysis/charts/index.js';
import {
  CPU,
  CPU_SET,
  type Column,
  ColumnSet,
  LABEL,
  LABEL_SET,
  MM_SET,
  PAGE_TABLE,
  PAGE_TABLE_SET,
  REGION_TIMELINE_SET,
  REPORT_SET,
  RUN,
  RUN_SET,
  SERIES,
  SUMMARY_SET,
  SWEEP,
  SWEEP_RESERVED_NAMES,
  TIME_SERIES_SET,
  TIMELINE,
} from '../../src/analysis/columns/index.js';
import { columnTable, renderMetricsDoc } from '../../src/analysis/columns/docs.js';
import { pageTableRows } from '../../src/analysis/metrics/page-tables.js';
import type { RunSummary } from '../../src/analysis/metrics/summary.js';
import type { RunReport } from '../../src/analysis/run-result.js';
import { LABEL_COLUMNS, type RunLabel, summaryToRow } from '../../src/analysis/tables.js';
import { PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/index.js';
import { LEAD_COLUMNS, PROVENANCE_COLUMNS } from '../../src/sweep/results.js';
import { Driven } from './helpers.js';

/** Every label field (the compiler checks the keys against RunLabel). */
const FULL_LABEL: Required<RunLabel> = {
  name: 'p0',
  variant: 'rfc-v1',
  regionPages: 16,
  slots: 4,
  cpus: 2,
  possibleCpus: 2,
  pagingLevels: 4,
  workload: 'microbench',
  seed: 1,
  tlb: 'tiny',
  costModel: 'molnar-2015',
};

/** A 2-CPU run on both CPUs with failures, flushes and a TLB that sees traffic. */
function run(variant: string, regionPages: number) {
  const d = new Driven(
    { possibleCpus: 2, regionPages, tlb: 'tiny', variant: variant, allocatorOptions: { slots: 4 } },
    { sampleEveryNs: 1000, regionTimeline: { mm: 0, cpu: 0, maxSteps: 40 } },
    100,
  );
  const mm = d.machine.createMm();
  for (const cpu of [0, 1]) {
    const t = d.machine.createTask(mm, cpu);
    const live: number[] = [];
    for (let i = 0; i < 120; i++) {
      const h = d.step((m) => m.mermapGet(t, 3, 0x100 + i, PROT_KERNEL_NOGLOBAL));
      if (h >= 0) live.push(h);
      d.step((m) => m.access(t, 4 + (i % 8)));
      if (live.length > 3) d.step((m) => m.mermapPut(t, live.shift()!));
    }
  }
  const summary = d.finish();
  return { summary, metrics: d.metrics, row: summaryToRow(summary, { ...FULL_LABEL, variant, regionPages }) };
}

function checkKinds(set: ColumnSet, rows: ReadonlyArray<Record<string, unknown>>): void {
  for (const row of rows) {
    for (const c of set.columns) {
      const v = row[c.name];
      if (v === null || v === undefined) continue;
      const ok = c.kind === 'int' ? Number.isInteger(v) : c.kind === 'float' ? typeof v === 'number' : true;
      expect(ok, `${c.name} = ${String(v)} is not ${c.kind}`).toBe(true);
      if (c.kind === 'string' && c.name !== LABEL.seed) expect(typeof v, c.name).toBe('string');
    }
  }
}

describe('the vocabulary names every column the rows carry, in their order', () => {
  const { metrics, row } = run('rfc-v1', 16);

  it('run rows: the label columns, then every summary field', () => {
    expect(Object.keys(row)).toEqual(RUN_SET.names);
    expect(LABEL_COLUMNS).toEqual(LABEL_SET.keys);
    expect(Object.keys(FULL_LABEL)).toEqual(LABEL_SET.keys);
    // summary columns keep their dotted path: cost.model fills the label's costModel
    expect(SUMMARY_SET.get('wastedVaMeanFraction').path).toBe('wastedVa.meanFraction');
    expect(SUMMARY_SET.get('failuresNoSpace').path).toBe('failures.no_space');
    expect(SUMMARY_SET.get('costModel').path).toBe('cost.model');
    expect(RUN_SET.names.filter((n) => n === 'costModel')).toHaveLength(1);
    checkKinds(RUN_SET, [row]);
  });

  it('per-CPU, per-mm, time-series, region-timeline and page-table rows', () => {
    const cpu = metrics.perCpuRows();
    const mm = metrics.perMmRows();
    const ts = metrics.timeSeriesRows();
    const tl = metrics.regionTimelineRows() as unknown as Array<Record<string, unknown>>;
    const pt = pageTableRows({ regionPages: [16, 512], possibleCpus: [2, 64] }) as unknown as Array<
      Record<string, unknown>
    >;
    for (const [set, rows] of [
      [CPU_SET, cpu],
      [MM_SET, mm],
      [TIME_SERIES_SET, ts],
      [REGION_TIMELINE_SET, tl],
      [PAGE_TABLE_SET, pt],
    ] as const) {
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(Object.keys(r)).toEqual(set.names);
      checkKinds(set, rows);
    }
  });

  it('the run report: the summary plus the fields run adds', () => {
    // the compiler checks these keys are exactly RunReport's besides RunSummary's
    const added: Record<Exclude<keyof RunReport, keyof RunSummary>, true> = {
      skippedLines: true,
      trace: true,
      eventsPerSecond: true,
      wallSeconds: true,
      failureSamples: true,
      config: true,
    };
    // allocations is a summary field that the run overwrites with its own count
    expect(REPORT_SET.names.filter((n) => !SUMMARY_SET.has(n))).toEqual(Object.keys(added));
    expect(REPORT_SET.names.filter((n) => SUMMARY_SET.has(n))).toEqual(['allocations']);
  });

  it('the sweep results own their lead and provenance columns', () => {
    expect(LEAD_COLUMNS).toEqual(['point', 'replicate', 'configHash', 'seed']);
    expect(PROVENANCE_COLUMNS).toEqual(['packageVersion', 'gitCommit']);
    expect(SWEEP_RESERVED_NAMES).toEqual([...LEAD_COLUMNS, ...PROVENANCE_COLUMNS]);
    expect(Object.values(SWEEP)).toEqual(SWEEP_RESERVED_NAMES);
  });

  it('the field names code selects are columns of the rows it selects them from', () => {
    for (const f of Object.values(RUN)) expect(row, f).toHaveProperty(f);
    for (const f of Object.values(LABEL)) expect(row, f).toHaveProperty(f);
    for (const f of Object.values(CPU)) expect(metrics.perCpuRows()[0], f).toHaveProperty(f);
    for (const f of Object.values(SERIES)) expect(metrics.timeSeriesRows()[0], f).toHaveProperty(f);
    for (const f of Object.values(TIMELINE)) expect(metrics.regionTimelineRows()[0], f).toHaveProperty(f);
    const pt = pageTableRows({ regionPages: [16], possibleCpus: [2] })[0];
    for (const f of Object.values(PAGE_TABLE)) expect(pt, f).toHaveProperty(f);
  });

  it('a set refuses a duplicate name and an unknown field', () => {
    const c: Column = { key: 'gets', name: 'gets', unit: 'gets', kind: 'int', description: '' };
    expect(() => new ColumnSet([c, c])).toThrow("column 'gets' is defined twice");
    expect(() => RUN_SET.fields(['noSuchColumn'])).toThrow("no column 'noSuchColumn' in the vocabulary");
    expect(() => RUN_SET.get('flushes_per_1000_gets')).toThrow(/no column/);
  });
});

/** Every field an encoding (any channel, layer, facet or tooltip) names. */
function encodedFields(spec: Spec): string[] {
  const out: string[] = [];
  const visit = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(visit);
    if (s === null || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    if (typeof o.field === 'string') out.push(o.field);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
  };
  visit(spec.encoding);
  for (const k of ['layer', 'hconcat', 'vconcat', 'concat', 'spec'] as const) visit(spec[k]);
  return [...new Set(out)];
}

/** Every encoded field has a value in some data row (or is made by a calculate of one that has). */
function expectFed(spec: Spec): void {
  const values = (spec.data as { values: Array<Record<string, unknown>> }).values;
  expect(values.length).toBeGreaterThan(0);
  const made = new Map<string, string>();
  for (const t of (spec.transform as Array<{ calculate?: string; as?: string }> | undefined) ?? []) {
    const src = /datum\['([^']+)'\]/.exec(t.calculate ?? '');
    if (src !== null && t.as !== undefined) made.set(t.as, src[1]);
  }
  for (const f of encodedFields(spec)) {
    const source = made.get(f) ?? f;
    const fed = values.some((r) => r[source] !== undefined && r[source] !== null);
    expect(fed, `chart '${(spec.title as { text: string }).text}': field '${f}' (from '${source}') is empty`).toBe(
      true,
    );
  }
}

describe('every chart is fed: each field it encodes has values in the rows it gets', () => {
  const runs = [run('rfc-v1', 16), run('rfc-v1', 64), run('vmap-block', 16), run('vmap-block', 64)];
  const rows = runs.map((r) => r.row);

  it('charts of run rows', () => {
    expectFed(flushFrequencyChart(rows));
    expectFed(flushFrequencyChart(rows, undefined, { cpuField: 'possibleCpus' }));
    expectFed(failureRateChart(rows));
    expectFed(failureRateChart(rows, undefined, { y: 'fastPathFailuresPerAllocation' }));
    expectFed(wastedVaByRegionChart(rows));
    expectFed(policyComparisonChart(rows));
    expectFed(tlbCollateralChart(rows));
    expectFed(pageTableMemoryChart(rows));
  });

  it('charts of per-CPU, time-series, region-timeline and page-table rows', () => {
    const { metrics } = runs[0];
    expectFed(tlbCollateralChart(metrics.perCpuRows()));
    for (const y of ['wastedMeanFraction', 'wastedFraction', 'pinnedFraction'] as const)
      expectFed(wastedVaChart(metrics.timeSeriesRows(), undefined, { y }));
    for (const x of ['step', 'op', 'time'] as const)
      expectFed(regionTimelineChart(metrics.regionTimelineRows(), undefined, { x }));
    expectFed(pageTableMemoryChart(pageTableRows({ regionPages: [16, 512], possibleCpus: [2, 64] })));
  });

  it('an encoded field missing from the rows is caught', () => {
    const spec = flushFrequencyChart(rows.map(({ flushesPerAllocation: _drop, ...r }) => r));
    expect(() => expectFed(spec)).toThrow(/flushesPerAllocation/);
  });
});

describe('docs/metrics.md', () => {
  it('its column tables are the vocabulary (npm run docs rewrites them)', () => {
    const md = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    expect(renderMetricsDoc(md)).toBe(md);
  });

  it('a table lists each column with its unit, kind and meaning', () => {
    const one: Column = { key: 'gets', name: 'gets', unit: 'gets', kind: 'int', description: 'a | b', path: 'gets' };
    expect(columnTable(new ColumnSet([one]))).toBe(
      '| field | column | unit | kind | meaning |\n|---|---|---|---|---|\n| `gets` | `gets` | gets | int | a \\| b |',
    );
    expect(() => renderMetricsDoc('<!-- columns:nope -->\n<!-- /columns:nope -->')).toThrow(/names no vocabulary/);
    expect(() => renderMetricsDoc('no markers')).toThrow(/docs have no table for: report, summary/);
  });
});
