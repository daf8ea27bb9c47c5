import { LABEL, RUN } from '../columns/index.js';
import {
  type CaptionConfig,
  type ChartInput,
  chartSpec,
  dependsOn,
  distinct,
  FACET_COLUMNS,
  hasField,
  MAX_POINTS,
  meanBy,
  openChart,
  pick,
  type Spec,
  varies,
} from './common.js';

/**
 * Flush frequency vs region size: x = R (pages, log scale), y = full flushes per 1,000 gets
 * (mean over the runs of a point, e.g. seeds), one line per variant, one panel per online-CPU
 * count when it changes the answer (panels wrap after FACET_COLUMNS). Input: run rows (summaryToRow) with regionPages, flushesPer1000Gets, variant, cpus.
 */
export interface FlushFrequencyChartOptions {
  /** the CPU count to panel by: online CPUs ('cpus', default) or possible CPUs ('possibleCpus') */
  cpuField?: 'cpus' | 'possibleCpus';
}

export function flushFrequencyChart(
  input: ChartInput,
  caption?: string | CaptionConfig,
  opts: FlushFrequencyChartOptions = {},
): Spec {
  const open = openChart(input, caption);
  let rows = open.rows;
  const cpuField = opts.cpuField === 'possibleCpus' ? LABEL.possibleCpus : LABEL.cpus;
  const y = RUN.flushesPer1000Gets;
  const keys = [LABEL.variant, cpuField, LABEL.regionPages].filter((k) => hasField(rows, k));
  rows = pick(rows, [...keys, y, LABEL.seed]);
  if (rows.length > MAX_POINTS) rows = meanBy(rows, keys, [y]);
  const encoding: Spec = {
    x: {
      field: LABEL.regionPages,
      type: 'quantitative',
      scale: { type: 'log', base: 2 },
      title: 'Region size R (pages, log scale)',
    },
    y: {
      field: y,
      type: 'quantitative',
      aggregate: 'mean',
      title: 'Full flushes per 1,000 gets (mean over runs)',
    },
    tooltip: [
      { field: LABEL.regionPages, type: 'quantitative', title: 'R (pages)' },
      {
        field: y,
        type: 'quantitative',
        aggregate: 'mean',
        title: 'flushes per 1,000 gets',
        format: '.3f',
      },
    ],
  };
  if (keys.includes(LABEL.variant)) encoding.color = { field: LABEL.variant, type: 'nominal', title: 'Variant' };
  const cpuTitle = cpuField === LABEL.cpus ? 'Online CPUs' : 'Possible CPUs';
  const notes: string[] = [];
  // a panel per CPU count only when the count changes the answer (per-CPU regions are independent)
  if (keys.includes(cpuField) && varies(rows, cpuField)) {
    const others = keys.filter((k) => k !== cpuField);
    if (dependsOn(rows, cpuField, y, others)) {
      encoding.facet = { field: cpuField, type: 'ordinal', title: cpuTitle, columns: FACET_COLUMNS };
    } else {
      const counts = (distinct(rows, cpuField) as number[]).sort((a, b) => a - b).join(', ');
      notes.push(`${cpuTitle} ${counts}: the same within 1 %, so one panel (mean over them).`);
    }
  }
  return chartSpec(
    'Mermap flush frequency vs region size',
    open.caption,
    {
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding,
      width: 260,
      height: 220,
    },
    notes,
  );
}
