import { LABEL, RUN } from '../columns/index.js';
import {
  type CaptionConfig,
  type ChartInput,
  chartSpec,
  hasField,
  MAX_POINTS,
  meanBy,
  openChart,
  pick,
  type Spec,
} from './common.js';

/**
 * Flush frequency vs region size: x = R (pages, log scale), y = full flushes per 1,000 gets
 * (mean over the runs of a point, e.g. seeds), one line per variant, one panel per online-CPU
 * count. Input: run rows (summaryToRow) with regionPages, flushesPer1000Gets, variant, cpus.
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
  if (keys.includes(cpuField))
    encoding.column = {
      field: cpuField,
      type: 'ordinal',
      title: cpuField === LABEL.cpus ? 'Online CPUs' : 'Possible CPUs',
    };
  return chartSpec('Mermap flush frequency vs region size', open.caption, {
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding,
    width: 260,
    height: 220,
  });
}
