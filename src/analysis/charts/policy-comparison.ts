import { LABEL, RUN } from '../columns/index.js';
import {
  type ChartBuilder,
  chartBuilder,
  chartSpec,
  allZero,
  distinct,
  durationUnit,
  MAX_POINTS,
  meanBy,
  type Spec,
} from './common.js';

/** A panel of the comparison: the row field and its axis title (with unit). */
export interface PolicyMetric {
  field: string;
  title: string;
}

export const DEFAULT_POLICY_METRICS: readonly PolicyMetric[] = [
  { field: RUN.flushesPer1000Gets, title: 'Full flushes per 1,000 gets' },
  { field: RUN.invlpgsPer1000Gets, title: 'INVLPGs per 1,000 gets' },
  { field: RUN.costPerGetCycles, title: 'TLB cost per get (cycles)' },
  // drawn in the unit its range needs (durationUnit): ns, us or ms
  { field: RUN.exposureMeanNs, title: 'Mean stale exposure (ns)' },
];

export interface PolicyComparisonChartOptions {
  /** the bars (default 'variant', or 'policy' when the rows have it) */
  x?: string;
  metrics?: readonly PolicyMetric[];
}

/**
 * Policy comparison: one panel per metric (flushes, INVLPGs, cycles, exposure), one bar per
 * variant or policy (mean over its runs), each panel with its own y axis and unit.
 * Input: run rows (summaryToRow).
 */
export const policyComparisonChart: ChartBuilder<PolicyComparisonChartOptions> = chartBuilder((open, opts) => {
  let rows = open.rows;
  const x =
    opts.x ??
    (distinct(rows, 'policy').length > 0 && distinct(rows, LABEL.variant).length === 0 ? 'policy' : LABEL.variant);
  const asked = opts.metrics ?? DEFAULT_POLICY_METRICS;
  // a metric that is 0 in every run gets a line of text, not an empty panel with one tick
  const metrics = asked.filter((m) => !allZero(rows, m.field));
  const notes = asked
    .filter((m) => !metrics.includes(m))
    .map((m) => `${m.title.replace(/ \(.*\)$/, '')}: 0 in every run (not drawn).`);
  const fields = metrics.map((m) => m.field);
  rows =
    rows.length > MAX_POINTS
      ? meanBy(rows, [x], fields)
      : rows.map((r) => Object.fromEntries([x, ...fields].map((f) => [f, r[f] ?? null])));
  const xTitle = x === LABEL.variant ? 'Variant / policy' : x;
  const panel = (m: PolicyMetric): Spec => {
    let field = m.field;
    let title = m.title;
    const transform: Spec[] = [];
    if (/\(ns\)$/.test(m.title)) {
      const max = Math.max(0, ...rows.map((r) => (typeof r[m.field] === 'number' ? (r[m.field] as number) : 0)));
      const { unit, factor } = durationUnit(max);
      if (factor !== 1) {
        field = `${m.field}_${unit}`;
        title = m.title.replace(/\(ns\)$/, `(${unit})`);
        transform.push({ calculate: `datum['${m.field}'] / ${factor}`, as: field });
      }
    }
    return {
      ...(transform.length > 0 ? { transform } : {}),
      mark: { type: 'bar' },
      encoding: {
        x: { field: x, type: 'nominal', title: xTitle, axis: { labelAngle: -40 } },
        y: { field, type: 'quantitative', aggregate: 'mean', title },
        color: { field: x, type: 'nominal', legend: null },
        tooltip: [
          { field: x, type: 'nominal', title: xTitle },
          { field, type: 'quantitative', aggregate: 'mean', title, format: ',.3~f' },
        ],
      },
      width: { step: 28 },
      height: 200,
    };
  };
  return chartSpec(
    'Mermap variants and alternative policies compared',
    open.caption,
    {
      data: { values: rows },
      hconcat: metrics.map(panel),
      resolve: { scale: { y: 'independent' } },
    },
    notes,
  );
});
