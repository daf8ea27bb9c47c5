import { LABEL } from '../columns/index.js';
import { type CaptionConfig, chartSpec, FACET_COLUMNS, resolveCaption, type Spec, varies } from './common.js';

/** What the chart reads of a recommendation (a RegionVerdict's case and region, optionally per cost model). */
export interface RecommendationInput {
  possibleCpus: number;
  variant: string;
  regionPages: number | null;
  costModel?: string;
}

/** The cell text of a recommendation without a region: drawn as its own mark, never as 0. */
export const NO_REGION = 'none';

/**
 * The recommended region size as a table: a row per possible-CPU count, a column per variant
 * (a panel per cost model when there are several), each cell the smallest R meeting the targets
 * in pages, shaded by size, or "none" on a hatched-grey cell where no grid point meets them.
 * Input: one row per case (recommendWithIntervals(), its cpus as possibleCpus).
 */
export function recommendationChart(recs: ReadonlyArray<RecommendationInput>, caption?: string | CaptionConfig): Spec {
  const rows = recs.map((r) => ({
    [LABEL.possibleCpus]: r.possibleCpus,
    [LABEL.variant]: r.variant,
    ...(r.costModel !== undefined ? { [LABEL.costModel]: r.costModel } : {}),
    [LABEL.regionPages]: r.regionPages,
    label: r.regionPages === null ? NO_REGION : String(r.regionPages),
  }));
  const x = { field: LABEL.variant, type: 'nominal', title: 'Variant', axis: { labelAngle: 0, orient: 'top' } };
  const y = { field: LABEL.possibleCpus, type: 'ordinal', title: 'Possible CPUs', sort: 'ascending' };
  const tooltip = [
    { field: LABEL.possibleCpus, type: 'ordinal', title: 'possible CPUs' },
    { field: LABEL.variant, type: 'nominal', title: 'variant' },
    { field: 'label', type: 'nominal', title: 'R (pages)' },
  ];
  const body: Spec = {
    layer: [
      {
        transform: [{ filter: `datum['${LABEL.regionPages}'] != null` }],
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 2 },
        encoding: {
          x,
          y,
          color: {
            field: LABEL.regionPages,
            type: 'ordinal',
            title: 'Smallest R (pages)',
            scale: { scheme: 'blues' },
          },
          tooltip,
        },
      },
      {
        transform: [{ filter: `datum['${LABEL.regionPages}'] == null` }],
        mark: { type: 'rect', fill: '#f1f1f1', stroke: '#999', strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x, y, tooltip },
      },
      {
        mark: { type: 'text', fontSize: 13 },
        encoding: {
          x,
          y,
          text: { field: 'label', type: 'nominal' },
          color: {
            condition: { test: `datum['${LABEL.regionPages}'] == null`, value: '#555' },
            value: '#111',
          },
        },
      },
    ],
    width: { step: 110 },
    height: { step: 30 },
  };
  const spec: Spec = { data: { values: rows } };
  if (recs.some((r) => r.costModel !== undefined) && varies(rows, LABEL.costModel)) {
    spec.facet = { field: LABEL.costModel, type: 'nominal', title: 'Cost model' };
    spec.columns = FACET_COLUMNS;
    spec.spec = body;
  } else {
    Object.assign(spec, body);
  }
  return chartSpec('Smallest region meeting the fallback and flush-cost targets', resolveCaption(caption, rows), spec, [
    `"${NO_REGION}": no region size in the sweep meets both targets.`,
  ]);
}
