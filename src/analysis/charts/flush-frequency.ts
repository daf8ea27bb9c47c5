import { LABEL, RUN } from '../columns/index.js';
import { regionChart, regionRows } from './by-region.js';
import { type CaptionConfig, type ChartInput, dependsOn, distinct, openChart, type Spec, varies } from './common.js';

export interface FlushFrequencyChartOptions {
  /** the CPU count to panel by: online CPUs ('cpus', default) or possible CPUs ('possibleCpus') */
  cpuField?: 'cpus' | 'possibleCpus';
  /** the rate: per allocation (default), per simulated second, per 1,000 fast-path gets or per 1,000 gets */
  y?: FlushRate;
}

export type FlushRate =
  | 'flushesPerAllocation'
  | 'flushesPerSecond'
  | 'flushesPer1000FastPathGets'
  | 'flushesPer1000Gets';

const RATE_TITLES: Record<FlushRate, string> = {
  flushesPerAllocation: 'Full flushes per allocation',
  flushesPerSecond: 'Full flushes per simulated second',
  flushesPer1000FastPathGets: 'Full flushes per 1,000 fast-path gets',
  flushesPer1000Gets: 'Full flushes per 1,000 gets (reserved included)',
};

/**
 * The caption line on the order-9/10 effect, when the rows show it: runs at R <= 512 whose gets
 * are partly reserved beside runs at R > 512.
 */
export function order9Note(rows: readonly Record<string, unknown>[]): string[] {
  const R = (r: Record<string, unknown>) => Number(r[LABEL.regionPages]);
  const reserved = rows.some((r) => R(r) <= 512 && Number(r[RUN.reservedGetFraction]) > 0);
  if (!reserved || !rows.some((r) => R(r) > 512)) return [];
  return [
    'Order-9/10 allocations take the slow path (512+ reserved gets each) at R <= 512 and one fast-path get above it, so per-get rates jump at R > 512; per allocation and per second do not.',
  ];
}

/** What differs between the charts of a run metric against region size. */
interface RegionMetric {
  title: string;
  /** the run-row field */
  y: string;
  /** axis title, with unit */
  yTitle: string;
  /** the tooltip's short name and number format */
  tip: string;
  format: string;
  /** multiply the field by this before drawing (100: a fraction drawn in %) */
  scale?: number;
  /** subtitle lines the rows call for */
  notesOf?: (rows: readonly Record<string, unknown>[]) => string[];
}

/**
 * A run metric against region size: x = R (pages, log scale), y = the metric (mean over the runs
 * of a point, e.g. seeds, with each grid point's 95 % interval), one line per variant, and a
 * panel per CPU count only when the count changes the answer (panels wrap after FACET_COLUMNS);
 * otherwise a subtitle line says so.
 */
function regionMetricChart(
  input: ChartInput,
  caption: string | CaptionConfig | undefined,
  opts: FlushFrequencyChartOptions,
  m: RegionMetric,
): Spec {
  const open = openChart(input, caption);
  const cpuField = opts.cpuField === 'possibleCpus' ? LABEL.possibleCpus : LABEL.cpus;
  const { rows, keys } = regionRows(open.rows, [LABEL.variant, cpuField, LABEL.regionPages], m.y, {
    scale: m.scale ?? 1,
    keep: [LABEL.seed],
  });
  const field = m.scale === undefined ? m.y : `${m.y}_scaled`;
  const cpuTitle = cpuField === LABEL.cpus ? 'Online CPUs' : 'Possible CPUs';
  const notes: string[] = m.notesOf === undefined ? [] : m.notesOf(open.rows);
  let facet: Spec | undefined;
  if (keys.includes(cpuField) && varies(rows, cpuField)) {
    const others = keys.filter((k) => k !== cpuField);
    if (dependsOn(rows, cpuField, m.y, others)) facet = { field: cpuField, type: 'ordinal', title: cpuTitle };
    else {
      const counts = (distinct(rows, cpuField) as number[]).sort((a, b) => a - b).join(', ');
      notes.push(`${cpuTitle} ${counts}: the same within 1 %, so one panel (mean over them).`);
    }
  }
  return regionChart({
    title: m.title,
    caption: open.caption,
    rows,
    y: field,
    yTitle: m.yTitle,
    tip: { field, type: 'quantitative', aggregate: 'mean', title: m.tip, format: m.format },
    ...(m.scale === undefined ? {} : { transform: [{ calculate: `datum['${m.y}'] * ${m.scale}`, as: field }] }),
    ...(keys.includes(LABEL.variant) ? { color: { field: LABEL.variant, type: 'nominal', title: 'Variant' } } : {}),
    ...(facet === undefined ? {} : { facet }),
    width: 260,
    notes,
  });
}

/**
 * Flush frequency vs region size: x = R (pages, log scale), y = full flushes per allocation by
 * default (mean over the runs of a point, e.g. seeds), one line per variant. Input: run rows
 * (summaryToRow) with regionPages, the rate, variant, cpus.
 *
 * Per 1,000 gets is not the default: it counts reserved gets, and an order-9/10 allocation that
 * misses the fast path (R <= 512) makes 512 or more of them, one that fits (R > 512) one get, so
 * that rate rises with R while flushes per allocation and per second fall.
 */
export function flushFrequencyChart(
  input: ChartInput,
  caption?: string | CaptionConfig,
  opts: FlushFrequencyChartOptions = {},
): Spec {
  const rate = opts.y ?? 'flushesPerAllocation';
  return regionMetricChart(input, caption, opts, {
    title: 'Mermap flush frequency vs region size',
    y: RUN[rate],
    yTitle: `${RATE_TITLES[rate]} (mean over runs)`,
    tip: RATE_TITLES[rate].replace('Full flushes', 'flushes'),
    format: '.4~g',
    notesOf: order9Note,
  });
}

/**
 * Flush cost vs region size, the recommendation's second criterion: the cycles of TLB flushes,
 * INVLPGs, the refills they cause and the slow path beyond its zeroing, as a % of those plus the
 * zeroing work (costOverheadFraction), against R, one line per variant. Input: run rows with a
 * cost model.
 */
export function flushCostChart(
  input: ChartInput,
  caption?: string | CaptionConfig,
  opts: FlushFrequencyChartOptions = {},
): Spec {
  return regionMetricChart(input, caption, opts, {
    title: 'Mermap flush cost vs region size',
    y: RUN.costOverheadFraction,
    yTitle: 'Flush cost (% of cycles, mean over runs)',
    tip: 'flush cost (% of cycles)',
    format: '.3f',
    scale: 100,
  });
}
