/**
 * The question the RFC leaves open: which per-CPU region size (and slot count) to choose.
 *
 * For each (possible CPUs, variant), the smallest region R for which some slot count keeps,
 * averaged over the replicates,
 *   fallback rate      fast-path failures / allocation requests  (clear_page_mermap()'s slow path)
 *   flush cost         TLB maintenance + collateral refill cycles / (those + zeroing cycles)
 * under the targets; the smallest such slot count with it; or null when no grid point does.
 */
import { LABEL, RUN } from './columns/index.js';

export interface Targets {
  maxFallbackRate: number;
  maxFlushCostFraction: number;
}

export const DEFAULT_TARGETS: Targets = { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 };

export interface Recommendation {
  possibleCpus: number;
  variant: string;
  /** smallest region meeting both targets, in pages, or null */
  regionPages: number | null;
  slots: number | null;
  fallbackRate: number | null;
  flushCostFraction: number | null;
  pageTableBytesPerMm: number | null;
  /** the closest miss when nothing meets the targets: the best fallback rate seen */
  bestFallbackRate: number;
  bestFlushCostFraction: number;
}

type Row = Record<string, unknown>;

function num(r: Row, k: string): number {
  const v = r[k];
  return typeof v === 'number' ? v : Number(v);
}

export function recommendRegion(rows: ReadonlyArray<Row>, targets: Targets = DEFAULT_TARGETS): Recommendation[] {
  // mean over replicates of each (cpus, variant, R, slots)
  const groups = new Map<
    string,
    { cpus: number; variant: string; R: number; slots: number; n: number; fb: number; cost: number; pt: number }
  >();
  for (const r of rows) {
    const cpus = num(r, LABEL.possibleCpus);
    const variant = String(r[LABEL.variant]);
    const R = num(r, LABEL.regionPages);
    const slots = num(r, LABEL.slots);
    const key = `${cpus}|${variant}|${R}|${slots}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { cpus, variant, R, slots, n: 0, fb: 0, cost: 0, pt: 0 };
      groups.set(key, g);
    }
    g.n++;
    g.fb += num(r, RUN.fastPathFailuresPerAllocation);
    g.cost += num(r, RUN.costOverheadFraction);
    g.pt += num(r, RUN.pageTablesBytesPerMm);
  }
  const byCase = new Map<string, Recommendation>();
  const points = [...groups.values()].map((g) => ({ ...g, fb: g.fb / g.n, cost: g.cost / g.n, pt: g.pt / g.n }));
  points.sort((a, b) => a.cpus - b.cpus || a.variant.localeCompare(b.variant) || a.R - b.R || a.slots - b.slots);
  for (const p of points) {
    const key = `${p.cpus}|${p.variant}`;
    let rec = byCase.get(key);
    if (rec === undefined) {
      rec = {
        possibleCpus: p.cpus,
        variant: p.variant,
        regionPages: null,
        slots: null,
        fallbackRate: null,
        flushCostFraction: null,
        pageTableBytesPerMm: null,
        bestFallbackRate: Infinity,
        bestFlushCostFraction: Infinity,
      };
      byCase.set(key, rec);
    }
    rec.bestFallbackRate = Math.min(rec.bestFallbackRate, p.fb);
    rec.bestFlushCostFraction = Math.min(rec.bestFlushCostFraction, p.cost);
    if (rec.regionPages === null && p.fb < targets.maxFallbackRate && p.cost < targets.maxFlushCostFraction) {
      rec.regionPages = p.R;
      rec.slots = p.slots;
      rec.fallbackRate = p.fb;
      rec.flushCostFraction = p.cost;
      rec.pageTableBytesPerMm = p.pt;
    }
  }
  return [...byCase.values()];
}

function pct(x: number | null): string {
  return x === null ? '-' : `${(x * 100).toFixed(2)} %`;
}

function size(pages: number): string {
  const kib = pages * 4;
  return kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`;
}

/** The recommendation as a terminal table (plain text, aligned columns). */
export function formatRecommendations(recs: Recommendation[], targets: Targets = DEFAULT_TARGETS): string {
  const head = [
    'possible CPUs',
    'variant',
    'region (pages)',
    'slots',
    'fallback rate',
    'flush cost',
    'page tables / mm',
  ];
  const lines = recs.map((r) =>
    r.regionPages === null
      ? [
          String(r.possibleCpus),
          r.variant,
          'none meets both',
          '-',
          `best ${pct(r.bestFallbackRate)}`,
          `best ${pct(r.bestFlushCostFraction)}`,
          '-',
        ]
      : [
          String(r.possibleCpus),
          r.variant,
          `${r.regionPages} (${size(r.regionPages)})`,
          String(r.slots),
          pct(r.fallbackRate),
          pct(r.flushCostFraction),
          `${((r.pageTableBytesPerMm ?? 0) / 1024).toFixed(0)} KiB`,
        ],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols: string[]) =>
    cols
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    `Smallest region with fallback rate < ${pct(targets.maxFallbackRate)} and flush cost < ${pct(targets.maxFlushCostFraction)} of cycles (mean over replicates):`,
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...lines.map(fmt),
  ].join('\n');
}
