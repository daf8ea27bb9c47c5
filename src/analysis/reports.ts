import {
  captionFor,
  recommendationChart,
  flushCostChart,
  flushFrequencyChart,
  failureRateChart,
  pageTableMemoryChart,
  policyComparisonChart,
  regionTimelineChart,
  tlbCollateralChart,
  wastedVaByRegionChart,
  wastedVaChart,
} from './charts/index.js';
import { LABEL, RUN } from './columns/index.js';
import { pageTableRows } from './metrics/page-tables.js';
import { formatEstimate, formatVerdictTable } from './recommend-format.js';
import {
  DEFAULT_TARGETS,
  type RegionVerdict,
  recommendWithIntervals,
  type Targets,
  type WorkloadScenarios,
} from './recommend-verdict.js';
import { mainRows } from './scenarios.js';
import { intervalsChart, scenarios, sensitivityChart, sensitivityTable } from './recommend-sensitivity.js';
import { dependsText } from './sweep-summary.js';
import type { RunResult } from './run-result.js';
import { labelFromRunConfig } from './tables.js';

/**
 * The reports: which charts a run or a sweep gets, as plain data (Vega-Lite specs and tables).
 * src/render turns a ReportData into report.html plus one SVG and one PNG per chart.
 */
export interface ReportData {
  title: string;
  intro?: string;
  sections: Array<{
    id: string;
    title: string;
    caption: string;
    spec: object;
    table?: { columns: string[]; rows: unknown[][] };
  }>;
  /** label: value lines for the page's footer (version, commit, date, command, hash) */
  provenance?: Array<[string, string]>;
}

type Row = Record<string, unknown>;

function distinctNumbers(rows: ReadonlyArray<Row>, k: string): number[] {
  return [...new Set(rows.map((r) => Number(r[k])).filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
}

function recommendationTable(recs: RegionVerdict[]): { columns: string[]; rows: unknown[][] } {
  return {
    columns: [
      'possible CPUs',
      'variant',
      'region pages',
      'slots',
      'fallback rate (mean ± 95 % half interval, n)',
      'flush cost (mean ± 95 % half interval, n)',
      'verdict',
      'page tables KiB/mm',
      ...Object.keys(recs[0]?.byCostModel ?? {}).map((p) => `region under ${p}`),
    ],
    rows: recs.map((r) => [
      r.cpus,
      r.variant,
      r.regionPages ?? 'none',
      r.slots ?? '-',
      formatEstimate(r.fallbackRate),
      formatEstimate(r.flushCostFraction, 3),
      r.verdict === 'meets' ? 'meets' : `${r.verdict}: ${r.reason}`,
      r.pageTableBytesPerMm === null ? '-' : Math.round(r.pageTableBytesPerMm / 1024),
      ...Object.values(r.byCostModel).map((v) => v ?? 'none'),
    ]),
  };
}

/**
 * A sweep's report from its results rows (results.csv read back); `defs`: what its workload
 * scenarios set. The charts draw the main grid's rows; the scenarios' rows show in the
 * recommendation's sensitivity.
 */
export function sweepReportData(
  name: string,
  all: ReadonlyArray<Row>,
  targets: Targets = DEFAULT_TARGETS,
  defs?: WorkloadScenarios,
): { report: ReportData; recommendations: RegionVerdict[]; text: string } {
  const rows = mainRows(all);
  // a sweep of something else than the page allocator's zeroing (no fallback rate or flush cost
  // in its rows) gets its charts, and no recommendation
  const recommendable =
    rows.length > 0 &&
    all.every(
      (r) =>
        typeof r[RUN.fastPathFailuresPerAllocation] === 'number' && typeof r[RUN.costOverheadFraction] === 'number',
    );
  const recs = recommendable ? recommendWithIntervals(all, targets) : [];
  const variants = [...new Set(rows.map((r) => String(r[LABEL.variant])))];
  const caption = captionFor({
    variant: variants,
    regionPages: distinctNumbers(rows, LABEL.regionPages),
    slots: distinctNumbers(rows, LABEL.slots),
    cpus: distinctNumbers(rows, LABEL.cpus),
    possibleCpus: distinctNumbers(rows, LABEL.possibleCpus),
    workload: String(rows[0]?.[LABEL.workload] ?? ''),
    seed: `sweep '${name}'`,
  } as Parameters<typeof captionFor>[0]);
  const sections: ReportData['sections'] = [];
  // the caption is the chart's subtitle, drawn in the chart (SVG, PNG, page): not repeated under it
  const add = (id: string, title: string, spec: object) => sections.push({ id, title, caption: '', spec });
  add(
    'flush-frequency-vs-region',
    'Flush frequency vs region size, per possible-CPU count',
    flushFrequencyChart(rows as Row[] as never, caption, { cpuField: 'possibleCpus' }),
  );
  if (rows.some((r) => typeof r[RUN.costOverheadFraction] === 'number'))
    add(
      'flush-cost-vs-region',
      'Flush cost vs region size, per possible-CPU count',
      flushCostChart(rows as never, caption, { cpuField: 'possibleCpus' }),
    );
  add(
    'fallback-rate-vs-region-and-slots',
    'Fast-path failure (fallback) rate vs region size and slots',
    failureRateChart(rows as never, caption, { y: 'fastPathFailuresPerAllocation' }),
  );
  add('wasted-va-vs-region', 'Wasted VA vs region size', wastedVaByRegionChart(rows as never, caption));
  add(
    'tlb-collateral-per-flush',
    'Entries discarded per full flush, by kind',
    tlbCollateralChart(rows as never, caption),
  );
  const pt = pageTableRows({
    regionPages: distinctNumbers(rows, LABEL.regionPages),
    possibleCpus: distinctNumbers(rows, LABEL.possibleCpus),
  });
  add(
    'page-table-memory-vs-cpus',
    'mermap page-table memory per mm vs possible CPUs',
    pageTableMemoryChart(pt as never, caption),
  );
  if (variants.length > 1)
    add('variant-comparison', 'Variants compared', policyComparisonChart(rows as never, caption));
  const text = formatVerdictTable(recs, targets);
  const recSpec = recommendationChart(
    recs.map((r) => ({ possibleCpus: r.cpus, variant: r.variant, regionPages: r.regionPages })),
    caption,
  );
  sections.push({
    id: 'recommended-region-size',
    title: 'Recommended region size',
    caption: text.split('\n')[0] ?? '',
    spec: recSpec,
    table: recommendationTable(recs),
  });
  // the intervals at the recommended regions: only when some case has one (else nothing to draw)
  if (recs.some((r) => r.regionPages !== null))
    sections.push({
      id: 'recommendation-intervals',
      title: 'Fallback rate and flush cost at the recommended regions, with 95 % intervals',
      caption: '',
      spec: intervalsChart(recs, targets, caption),
    });
  // what moves the answer: drawn when some case has a region, recommended or under some scenario
  if (recs.some((r) => r.regionPages !== null) || scenarios(recs).some((s) => recs.some((r) => s.region(r) != null))) {
    const sensitivity = sensitivityTable(recs);
    sections.push({
      id: 'recommendation-sensitivity',
      title: 'What the recommendation depends on',
      caption: `${dependsText(recs, defs)} Each region is chosen as in the table above (95 % intervals over each grid point's replicates), with the runs' flush cost recomputed from their counters under each cost preset, or with the zeroing work per page scaled; a workload scenario's from runs of its own (blank where it did not run).`,
      spec: sensitivityChart(recs, caption),
      table: sensitivity,
    });
  }
  return {
    report: {
      title: `mermap-lab sweep '${name}'`,
      intro: `${dependsText(recs, defs)} ${all.length} runs${all.length === rows.length ? '' : ` (${all.length - rows.length} of them in the workload scenarios)`}.\n\nFallback rate: fast-path failures per allocation request (each falls back to reserved single-page maps with IRQs off). Flush cost: cycles of TLB flushes, INVLPGs, the refills a flush causes and the slow path beyond its zeroing (IRQ save/restore, PTE writes, PTE locks), as a share of those plus the zeroing work.`,
      sections,
    },
    recommendations: recs,
    text,
  };
}

/** What a run leaves behind for its report (run --out DIR writes it as run.json). */
export type RunArtifacts = Pick<
  RunResult,
  'report' | 'perCpu' | 'perMm' | 'timeSeries' | 'regionTimeline' | 'regionText'
>;

/** One run's report. */
export function runReportData(result: RunArtifacts): ReportData {
  const label = labelFromRunConfig(result.report.config);
  const caption = captionFor(label as never);
  const sections: ReportData['sections'] = [];
  // the caption is the chart's subtitle, drawn in the chart (SVG, PNG, page): not repeated under it
  const add = (id: string, title: string, spec: object) => sections.push({ id, title, caption: '', spec });
  if (result.timeSeries.length > 0)
    add('wasted-va-over-time', 'Wasted VA over time', wastedVaChart(result.timeSeries as never, caption));
  if (result.regionTimeline.length > 0)
    add(
      'region-timeline-cpu0',
      'Region timeline of CPU 0',
      regionTimelineChart(result.regionTimeline as never, caption),
    );
  add(
    'tlb-collateral-per-cpu',
    'Entries discarded per full flush, by CPU',
    tlbCollateralChart(result.perCpu as never, caption),
  );
  const s = result.report;
  return {
    title: `mermap-lab run: ${label.variant}, R = ${label.regionPages} pages, ${label.cpus} CPUs, ${label.workload}`,
    intro: `${s.events} events, ${s.gets} gets, ${s.flushes} flushes (${s.flushesPer1000Gets.toFixed(2)} per 1,000 gets), ${s.fastPathFailures} fast-path failures, ${s.fallbackPages} fallback pages.`,
    sections,
  };
}
