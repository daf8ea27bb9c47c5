import { CPU, LABEL } from '../columns/index.js';
import {
  type CaptionConfig,
  type ChartInput,
  chartSpec,
  distinct,
  meanBy,
  openChart,
  type Row,
  type Spec,
} from './common.js';

export interface TlbCollateralChartOptions {
  /** the bars: 'variant' (default when present), 'cpu' (per-CPU rows), or any label column */
  x?: string;
}

/** Entry categories in stack order, the row field each comes from, and its legend name. */
export const TLB_CATEGORY_FIELDS = [
  [CPU.tlbPerFlushMermap, 'mermap (the flush’s purpose)'],
  [CPU.tlbPerFlushGlobal, 'global kernel (collateral)'],
  [CPU.tlbPerFlushOtherPcid, 'other PCIDs (collateral)'],
  [CPU.tlbPerFlushUser, 'user / current PCID (collateral)'],
] as const;

/**
 * Collateral TLB damage per flush: stacked bars of the translations one full flush discards, split
 * into the mermap's own entries and the collateral (global kernel entries, other PCIDs' entries,
 * the current PCID's other entries). Input: run rows or RunMetrics.perCpuRows() (both carry
 * tlbPerFlushMermap / Global / OtherPcid / User); bars are means over the rows of each x.
 */
export function tlbCollateralChart(
  input: ChartInput,
  caption?: string | CaptionConfig,
  opts: TlbCollateralChartOptions = {},
): Spec {
  const { rows, caption: cap } = openChart(input, caption);
  const x = opts.x ?? (distinct(rows, LABEL.variant).length > 0 ? LABEL.variant : CPU.cpu);
  const fields = TLB_CATEGORY_FIELDS.map(([f]) => f);
  const means = meanBy(rows, [x], fields);
  const long: Row[] = [];
  for (const m of means) {
    TLB_CATEGORY_FIELDS.forEach(([f, name], i) => {
      long.push({ [x]: m[x], category: name, order: i, entriesPerFlush: m[f] ?? 0 });
    });
  }
  const xTitle = x === LABEL.variant ? 'Variant' : x === CPU.cpu ? 'CPU' : x;
  const xType = x === CPU.cpu ? 'ordinal' : 'nominal';
  return chartSpec('TLB entries discarded per full flush: mermap vs collateral', cap, {
    data: { values: long },
    mark: { type: 'bar' },
    encoding: {
      x: { field: x, type: xType, title: xTitle },
      y: {
        field: 'entriesPerFlush',
        type: 'quantitative',
        stack: 'zero',
        title: 'Translations discarded per full flush (entries)',
      },
      color: {
        field: 'category',
        type: 'nominal',
        title: 'Entry category',
        scale: { domain: TLB_CATEGORY_FIELDS.map(([, n]) => n) },
        legend: { labelLimit: 400 },
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: x, type: xType, title: xTitle },
        { field: 'category', type: 'nominal', title: 'category' },
        { field: 'entriesPerFlush', type: 'quantitative', title: 'entries per flush', format: '.2f' },
      ],
    },
    width: { step: 48 },
    height: 240,
  });
}
