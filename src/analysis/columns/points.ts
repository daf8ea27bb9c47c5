/**
 * The per-point aggregates (points.csv / points.arrow): one row per grid point, the replicates
 * of one configuration taken together. Lead columns (POINT_LEAD_DEFS, ./tables.ts), then the
 * grid paths (as in the results), then for every aggregated run column X: X.mean, X.sd,
 * X.ci95Lo, X.ci95Hi (src/analysis/stats.ts).
 */
import type { Column } from './column.js';
import { joinName, outputName } from './column.js';

/** The run columns the reports read, aggregated per point (keys of the run vocabulary). */
export const POINT_METRIC_KEYS = [
  'fastPathFailuresPerAllocation',
  'failureRate',
  'costOverheadFraction',
  'costPerGetCycles',
  'flushesPer1000Gets',
  'invlpgsPer1000Gets',
  'exposureMeanNs',
  'wastedVaMeanFraction',
  'wastedVaPeakFraction',
  'tlbCollateralPerFlush',
  'tlbPerFlushMermap',
  'tlbPerFlushGlobal',
  'tlbPerFlushOtherPcid',
  'tlbPerFlushUser',
  'pageTablesBytesPerMm',
] as const;

export type PointMetricKey = (typeof POINT_METRIC_KEYS)[number];

/** The four statistics of each metric, as [suffix, description]. */
export const POINT_STATS = [
  ['mean', 'mean over the replicates'],
  ['sd', 'sample standard deviation (n - 1); empty for n = 1'],
  ['ci95Lo', 'lower bound of the 95 % confidence interval of the mean (Student t); empty for n = 1'],
  ['ci95Hi', 'upper bound of the 95 % confidence interval of the mean (Student t); empty for n = 1'],
] as const;

export type PointStat = (typeof POINT_STATS)[number][0];

/** The column key of one statistic of a metric: ('costOverheadFraction', 'ci95Hi') -> costOverheadFractionCi95Hi. */
export function pointStatKey(metric: string, stat: PointStat): string {
  return joinName(metric, stat);
}

/** The aggregate columns, from the run columns they aggregate (unit and kind follow). */
export function pointMetricColumns(runColumn: (key: string) => Column): Column[] {
  return POINT_METRIC_KEYS.flatMap((metric) => {
    const c = runColumn(metric);
    return POINT_STATS.map(([stat, what]) => {
      const key = pointStatKey(metric, stat);
      return {
        key,
        name: outputName(key),
        unit: c.unit,
        kind: 'float' as const,
        description: `\`${c.name}\`: ${what}`,
      };
    });
  });
}
