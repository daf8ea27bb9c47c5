import { TIMELINE } from '../columns/index.js';
import { type ChartBuilder, chartBuilder, chartSpec, MAX_POINTS, type Row } from './common.js';

export interface RegionTimelineChartOptions {
  /** x axis: 'step' (events that touched the region, default), 'op' (event index) or 'time' (ms) */
  x?: 'step' | 'op' | 'time';
}

/** The fixed legend: state names in this order, with these colours. */
export const REGION_STATE_DOMAIN = ['free', 'allocated', 'flush-pending'] as const;
export const REGION_STATE_COLORS = ['#e6e6e6', '#2f6db5', '#e07b39'] as const;

/**
 * The seed's diagram as a picture: one column per step, the region's pages bottom (offset 0) to
 * top (R), each run of pages coloured by its state. Input: RunMetrics.regionTimelineRows()
 * (runs: step, op, timeNs, page, pageEnd, state). A column spans from its step to the next.
 */
export const regionTimelineChart: ChartBuilder<RegionTimelineChartOptions> = chartBuilder((open, opts) => {
  let rows = open.rows;
  const { step, op, timeNs, page, pageEnd, state } = TIMELINE;
  const extra: string[] = [];
  const steps = [...new Set(rows.map((r) => r[step] as number))].sort((a, b) => a - b);
  if (rows.length > MAX_POINTS) {
    // keep whole steps from the start until the limit
    let kept = 0;
    let last = -1;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r[step] as number, (counts.get(r[step] as number) ?? 0) + 1);
    for (const s of steps) {
      const c = counts.get(s) ?? 0;
      if (kept + c > MAX_POINTS) break;
      kept += c;
      last = s;
    }
    rows = rows.filter((r) => (r[step] as number) <= last);
    extra.push(`(first ${steps.indexOf(last) + 1} of ${steps.length} steps shown)`);
  }
  const mode = opts.x ?? 'step';
  const xOf = (r: Row): number =>
    mode === 'step' ? (r[step] as number) : mode === 'op' ? (r[op] as number) : (r[timeNs] as number) / 1e6;
  // x of each step, and where its column ends: the next step's x (the last: + the median gap, or 1)
  const firstOfStep = new Map<number, number>();
  for (const r of rows) if (!firstOfStep.has(r[step] as number)) firstOfStep.set(r[step] as number, xOf(r));
  const order = [...firstOfStep.keys()].sort((a, b) => a - b);
  const gaps = order
    .slice(1)
    .map((s, i) => firstOfStep.get(s)! - firstOfStep.get(order[i])!)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  const lastGap = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)] : 1;
  const endOf = new Map<number, number>();
  order.forEach((s, i) => {
    const x0 = firstOfStep.get(s)!;
    const x1 = i + 1 < order.length ? firstOfStep.get(order[i + 1])! : x0 + lastGap;
    endOf.set(s, x1 > x0 ? x1 : x0 + lastGap);
  });
  const values = rows.map((r) => ({
    x0: firstOfStep.get(r[step] as number)!,
    x1: endOf.get(r[step] as number)!,
    step: r[step],
    op: r[op],
    timeNs: r[timeNs],
    page: r[page],
    pageEnd: r[pageEnd],
    state: r[state],
  }));
  const regionPages = rows.reduce((m, r) => Math.max(m, r[pageEnd] as number), 0);
  const xTitle =
    mode === 'step'
      ? 'Step (events that touched this region)'
      : mode === 'op'
        ? 'Operation (event index)'
        : 'Simulated time (ms)';
  return chartSpec(
    'Mermap region over time (the allocator diagram)',
    open.caption,
    {
      data: { values },
      mark: { type: 'rect', strokeWidth: 0 },
      encoding: {
        x: {
          field: 'x0',
          type: 'quantitative',
          title: xTitle,
          axis: mode === 'step' ? { tickMinStep: 1, format: 'd' } : {},
        },
        x2: { field: 'x1' },
        y: {
          field: 'page',
          type: 'quantitative',
          title: 'Page of the region (offset from the CPU base, pages)',
          scale: { domain: [0, regionPages], nice: false },
        },
        y2: { field: 'pageEnd' },
        color: {
          field: 'state',
          type: 'nominal',
          title: 'Page state',
          scale: { domain: [...REGION_STATE_DOMAIN], range: [...REGION_STATE_COLORS] },
        },
        tooltip: [
          { field: 'step', type: 'quantitative', title: 'step' },
          { field: 'op', type: 'quantitative', title: 'op' },
          { field: 'page', type: 'quantitative', title: 'first page' },
          { field: 'pageEnd', type: 'quantitative', title: 'end page (exclusive)' },
          { field: 'state', type: 'nominal', title: 'state' },
        ],
      },
      width: Math.min(720, Math.max(240, order.length * 24)),
      height: 260,
    },
    extra,
  );
});
