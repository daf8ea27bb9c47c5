import {
  hasField,
  meanBy,
  MAX_POINTS,
  pick,
  resolveCaption,
  rowsOf,
  specHeader,
  type CaptionConfig,
  type ChartInput,
  type Spec,
  fitAxisTitles,
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
  let rows = rowsOf(input);
  const cap = resolveCaption(caption, rows);
  const cpuField = opts.cpuField ?? 'cpus';
  const keys = ['variant', cpuField, 'regionPages'].filter((k) => hasField(rows, k));
  rows = pick(rows, [...keys, 'flushesPer1000Gets', 'seed']);
  if (rows.length > MAX_POINTS) rows = meanBy(rows, keys, ['flushesPer1000Gets']);
  const encoding: Spec = {
    x: {
      field: 'regionPages',
      type: 'quantitative',
      scale: { type: 'log', base: 2 },
      title: 'Region size R (pages, log scale)',
    },
    y: {
      field: 'flushesPer1000Gets',
      type: 'quantitative',
      aggregate: 'mean',
      title: 'Full flushes per 1,000 gets (mean over runs)',
    },
    tooltip: [
      { field: 'regionPages', type: 'quantitative', title: 'R (pages)' },
      {
        field: 'flushesPer1000Gets',
        type: 'quantitative',
        aggregate: 'mean',
        title: 'flushes per 1,000 gets',
        format: '.3f',
      },
    ],
  };
  if (keys.includes('variant')) encoding.color = { field: 'variant', type: 'nominal', title: 'Variant' };
  if (keys.includes(cpuField))
    encoding.column = {
      field: cpuField,
      type: 'ordinal',
      title: cpuField === 'cpus' ? 'Online CPUs' : 'Possible CPUs',
    };
  return fitAxisTitles({
    ...specHeader('Mermap flush frequency vs region size', cap),
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding,
    width: 260,
    height: 220,
  });
}
