import { PAGE_TABLE, RUN } from '../columns/index.js';
import { type CaptionConfig, type ChartInput, chartSpec, meanBy, openChart, type Row, type Spec } from './common.js';

/**
 * Page-table memory of the mermap per mm vs possible CPUs: mermap_mm_prepare() builds the tables
 * of every possible CPU's region, used or not. x = possible CPUs (log), y = KiB per mm (log),
 * one line per region size. Input: pageTableRows() (metrics/page-tables.ts) or run rows
 * (possibleCpus, regionPages, pageTablesBytesPerMm).
 */
export function pageTableMemoryChart(input: ChartInput, caption?: string | CaptionConfig): Spec {
  const open = openChart(input, caption);
  const rows: Row[] = open.rows.map((r) => ({
    possibleCpus: r[PAGE_TABLE.possibleCpus] as number,
    regionPages: (r[PAGE_TABLE.regionPages] ?? r[RUN.pageTablesRegionPages]) as number,
    kib: ((r[PAGE_TABLE.pageTablesBytesPerMm] ?? r[RUN.pageTablesBytesPerMm] ?? 0) as number) / 1024,
  }));
  const values = meanBy(rows, ['regionPages', 'possibleCpus'], ['kib']);
  return chartSpec('Mermap page-table memory per mm vs possible CPUs', open.caption, {
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'possibleCpus',
        type: 'quantitative',
        scale: { type: 'log', base: 2 },
        title: 'Possible CPUs (log scale)',
      },
      y: { field: 'kib', type: 'quantitative', scale: { type: 'log' }, title: 'Page tables per mm (KiB, log scale)' },
      color: { field: 'regionPages', type: 'ordinal', title: 'Region size R (pages)' },
      tooltip: [
        { field: 'possibleCpus', type: 'quantitative', title: 'possible CPUs' },
        { field: 'regionPages', type: 'quantitative', title: 'R (pages)' },
        { field: 'kib', type: 'quantitative', title: 'KiB per mm', format: ',.0f' },
      ],
    },
    width: 420,
    height: 260,
  });
}
