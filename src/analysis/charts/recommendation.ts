import { type CaptionConfig, chartSpec, resolveCaption, type Spec } from './common.js';

/**
 * The recommended region size per possible-CPU count and variant (bars; a cross where no grid
 * point meets the targets). Input: recommendRegion() output.
 */
export function recommendationChart(
  recs: ReadonlyArray<{ possibleCpus: number; variant: string; regionPages: number | null }>,
  caption?: string | CaptionConfig,
): Spec {
  const rows = recs.map((r) => ({
    possibleCpus: r.possibleCpus,
    variant: r.variant,
    regionPages: r.regionPages ?? 0,
    meets: r.regionPages !== null ? 'yes' : 'no grid point meets the targets',
  }));
  return chartSpec('Smallest region meeting the fallback and flush-cost targets', resolveCaption(caption, rows), {
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'possibleCpus', type: 'ordinal', title: 'Possible CPUs' },
      xOffset: { field: 'variant', type: 'nominal' },
      y: { field: 'regionPages', type: 'quantitative', title: 'Region size R (pages; 0 = none meets the targets)' },
      color: { field: 'variant', type: 'nominal', title: 'Variant' },
      opacity: {
        field: 'meets',
        type: 'ordinal',
        sort: ['yes', 'no grid point meets the targets'],
        title: 'Meets targets',
        scale: { domain: ['yes', 'no grid point meets the targets'], range: [1, 0.3] },
      },
      tooltip: [
        { field: 'possibleCpus', type: 'ordinal', title: 'possible CPUs' },
        { field: 'variant', type: 'nominal' },
        { field: 'regionPages', type: 'quantitative', title: 'R (pages)' },
      ],
    },
    width: 360,
    height: 220,
  });
}
