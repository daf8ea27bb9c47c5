/**
 * The recommendation with a verdict, for recommendation.json and the tables: for each
 * (possible CPUs, variant), the smallest region (then the fewest slots) whose grid point meets
 * the targets, judged on intervals over the point's replicates (stats.ts):
 *
 *   meets         the 95 % interval's upper bound is under both targets
 *   within-noise  no point meets, but some point's means are under both targets: the smallest
 *                 such one, with the replicates that would settle it if mean and sd held
 *   none          no point's means are under both targets
 *
 * Targets are strict (under 1 %, not at it). The same choice is made again under every cost
 * preset (byCostModel), from each run's counters (recommend-costs.ts), so a reader sees
 * whether the answer depends on the cost assumption.
 *
 * A sweep with workload scenarios (scenarios.ts) judges the main grid's rows alone, then makes
 * the same choice over each scenario's rows (byWorkload: `base` is the verdict's own region),
 * for the cases the scenarios ran (their possible-CPU count); the other cases get null.
 */
import { LABEL, RUN } from './columns/index.js';
import { costPresetNames } from './costs/index.js';
import { groupRows, metricInterval, metricValues } from './points.js';
import { flushCostByPreset } from './recommend-costs.js';
import { BASE_SCENARIO, mainRows, scenarioRows } from './scenarios.js';
import { CONFIDENCE, type Interval, interval, replicatesToSettle, upper } from './stats.js';

type Row = Record<string, unknown>;

export interface Targets {
  maxFallbackRate: number;
  maxFlushCostFraction: number;
}

/** The main job's question: under 1 % fallback rate and 1 % flush cost (issue 13). */
export const DEFAULT_TARGETS: Targets = { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 };

export type Verdict = 'meets' | 'within-noise' | 'none';

/** A metric of a grid point: mean, 95 % interval (null for n = 1) and n. */
export interface Estimate {
  mean: number;
  ci95: [number, number] | null;
  n: number;
}

/** One row of recommendation.json. */
export interface RegionVerdict {
  cpus: number;
  variant: string;
  /** the region the verdict is about (meets or within-noise), in pages; null for none */
  regionPages: number | null;
  slots: number | null;
  verdict: Verdict;
  fallbackRate: Estimate | null;
  flushCostFraction: Estimate | null;
  pageTableBytesPerMm: number | null;
  /** within-noise: replicates that would settle the point (null when none would, or not asked) */
  replicatesToSettle: number | null;
  /** one line saying why */
  reason: string;
  /** the region chosen the same way under each cost-model preset, or null */
  byCostModel: Record<string, number | null>;
  /** the region chosen the same way with the zeroing work (cycles per page) scaled: `x0.5`, `x2` */
  byZeroingCycles: Record<string, number | null>;
  /**
   * the region chosen the same way in each workload scenario (`base` first: regionPages), or
   * null when the scenarios did not run this case (or the sweep has none)
   */
  byWorkload: Record<string, number | null> | null;
}

/** Scenario name -> the config values it sets (the sweep spec's scenarios.set). */
export type WorkloadScenarios = Record<string, Record<string, unknown>>;

/** Factors of the workload's zeroing cycles per page the sensitivity tries. */
export const ZEROING_FACTORS = [0.5, 2] as const;

/**
 * A flush cost f = T / (T + W) with the work W scaled by k: T / (T + kW), from f alone
 * (T / W = f / (1 - f)); the TLB work T does not depend on how long zeroing takes.
 */
export function withZeroingScaled(f: number, k: number): number {
  if (f >= 1) return 1;
  const ratio = f / (1 - f);
  return ratio / (ratio + k);
}

export interface RecommendationFile {
  format: 'mermap-lab-recommendation/1';
  targets: Targets;
  confidence: number;
  /** the cost preset the runs were summarised with (fallbackRate / flushCostFraction above) */
  costModel: string;
  /** what each workload scenario of byWorkload sets (absent without scenarios) */
  workloadScenarios?: WorkloadScenarios;
  rows: RegionVerdict[];
}

interface Point {
  cpus: number;
  variant: string;
  R: number;
  slots: number;
  rows: Row[];
  fallback: Interval;
}

function estimate(iv: Interval): Estimate {
  return { mean: iv.mean, ci95: iv.ci95, n: iv.n };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

/** How a case is named in tables, text and charts: `4 CPUs, rfc-v1` (`1 CPU, ...`). */
export function caseName(r: Pick<RegionVerdict, 'cpus' | 'variant'>): string {
  return `${r.cpus} CPU${r.cpus === 1 ? '' : 's'}, ${r.variant}`;
}

/** The grid points of each (possible CPUs, variant), sorted by region then slots. */
function casesOf(rows: ReadonlyArray<Row>): Point[][] {
  const points: Point[] = groupRows(rows, [LABEL.possibleCpus, LABEL.variant, LABEL.regionPages, LABEL.slots]).map(
    (g) => {
      const fallback = metricInterval(g.rows, RUN.fastPathFailuresPerAllocation);
      if (fallback === null) throw new RangeError(`results rows without '${RUN.fastPathFailuresPerAllocation}'`);
      return {
        cpus: Number(g.key[LABEL.possibleCpus]),
        variant: String(g.key[LABEL.variant]),
        R: Number(g.key[LABEL.regionPages]),
        slots: Number(g.key[LABEL.slots]),
        rows: g.rows,
        fallback,
      };
    },
  );
  points.sort((a, b) => a.cpus - b.cpus || a.variant.localeCompare(b.variant) || a.R - b.R || a.slots - b.slots);
  const cases = new Map<string, Point[]>();
  for (const p of points) {
    const k = `${p.cpus}|${p.variant}`;
    const list = cases.get(k);
    if (list === undefined) cases.set(k, [p]);
    else list.push(p);
  }
  return [...cases.values()];
}

interface Choice {
  verdict: Verdict;
  point: Point | null;
  cost: Interval | null;
}

/** The verdict over one case's points, given each point's flush-cost interval. */
function choose(points: Point[], costOf: (p: Point) => Interval, t: Targets): Choice {
  let noisy: Choice | null = null;
  for (const p of points) {
    const cost = costOf(p);
    if (upper(p.fallback) < t.maxFallbackRate && upper(cost) < t.maxFlushCostFraction) {
      return { verdict: 'meets', point: p, cost };
    }
    if (noisy === null && p.fallback.mean < t.maxFallbackRate && cost.mean < t.maxFlushCostFraction) {
      noisy = { verdict: 'within-noise', point: p, cost };
    }
  }
  return noisy ?? { verdict: 'none', point: null, cost: null };
}

function interval95(iv: Interval): string {
  return iv.ci95 === null ? `${pct(iv.mean)} (n = 1)` : `${pct(iv.mean)} [${pct(iv.ci95[0])}, ${pct(iv.ci95[1])}]`;
}

const ownCost = (p: Point): Interval => interval(metricValues(p.rows, RUN.costOverheadFraction));
const caseKey = (p: Point): string => `${p.cpus}|${p.variant}`;

/** Each scenario's region per case (`cpus|variant`), chosen as the main verdict is. */
function scenarioRegions(rows: ReadonlyArray<Row>, targets: Targets): Map<string, Map<string, number | null>> {
  const out = new Map<string, Map<string, number | null>>();
  for (const [name, list] of scenarioRows(rows)) {
    for (const points of casesOf(list)) {
      const k = caseKey(points[0]!);
      let regions = out.get(k);
      if (regions === undefined) {
        regions = new Map();
        out.set(k, regions);
      }
      regions.set(name, choose(points, ownCost, targets).point?.R ?? null);
    }
  }
  return out;
}

/**
 * Each case's verdict; `rows` are results rows (one per run). The verdicts read the main
 * grid's rows; the workload scenarios' rows give byWorkload.
 */
export function recommendWithIntervals(all: ReadonlyArray<Row>, targets: Targets): RegionVerdict[] {
  const rows = mainRows(all);
  const workload = scenarioRegions(all, targets);
  const presets = costPresetNames();
  const byPreset = new Map<Row, Record<string, number>>();
  const presetCost = (p: Point, preset: string): Interval =>
    interval(
      p.rows.map((r) => {
        let costs = byPreset.get(r);
        if (costs === undefined) {
          costs = flushCostByPreset(r);
          byPreset.set(r, costs);
        }
        return costs[preset]!;
      }),
    );
  return casesOf(rows).map((points) => {
    const first = points[0]!;
    const c = choose(points, ownCost, targets);
    const byCostModel: Record<string, number | null> = {};
    for (const preset of presets) {
      byCostModel[preset] = choose(points, (p) => presetCost(p, preset), targets).point?.R ?? null;
    }
    const byZeroingCycles: Record<string, number | null> = {};
    for (const k of ZEROING_FACTORS) {
      const scaled = (q: Point) =>
        interval(metricValues(q.rows, RUN.costOverheadFraction).map((f) => withZeroingScaled(f, k)));
      byZeroingCycles[`x${k}`] = choose(points, scaled, targets).point?.R ?? null;
    }
    const p = c.point;
    const others = workload.get(caseKey(first));
    const byWorkload = others === undefined ? null : { [BASE_SCENARIO]: p?.R ?? null, ...Object.fromEntries(others) };
    let reason: string;
    let settle: number | null = null;
    if (c.verdict === 'none' || p === null || c.cost === null) {
      const bestFb = Math.min(...points.map((q) => q.fallback.mean));
      const bestCost = Math.min(...points.map((q) => ownCost(q).mean));
      reason = `no grid point's means are under both targets (best fallback rate ${pct(bestFb)}, best flush cost ${pct(bestCost)})`;
    } else if (c.verdict === 'meets') {
      reason = `fallback rate ${interval95(p.fallback)} and flush cost ${interval95(c.cost)} are under the targets`;
    } else {
      const open: string[] = [];
      const needs: number[] = [];
      const check = (what: string, iv: Interval, target: number) => {
        if (upper(iv) < target) return;
        open.push(`${what} ${interval95(iv)} reaches ${pct(target)}`);
        const n = replicatesToSettle(iv, target);
        if (n !== null) needs.push(n);
      };
      check('fallback rate', p.fallback, targets.maxFallbackRate);
      check('flush cost', c.cost, targets.maxFlushCostFraction);
      settle = needs.length === open.length && needs.length > 0 ? Math.max(...needs) : null;
      const single = p.fallback.n < 2;
      reason = `the means are under the targets but ${open.join(' and ')}; ${
        single
          ? 'one run per point gives no interval: run 2 or more replicates'
          : settle === null
            ? 'no replicate count settles it'
            : `about ${settle} replicates would settle it`
      }`;
    }
    return {
      cpus: first.cpus,
      variant: first.variant,
      regionPages: p?.R ?? null,
      slots: p?.slots ?? null,
      verdict: c.verdict,
      fallbackRate: p === null ? null : estimate(p.fallback),
      flushCostFraction: c.cost === null ? null : estimate(c.cost),
      pageTableBytesPerMm: p === null ? null : (metricInterval(p.rows, RUN.pageTablesBytesPerMm)?.mean ?? null),
      replicatesToSettle: settle,
      reason,
      byCostModel,
      byZeroingCycles,
      byWorkload,
    };
  });
}

/** recommendation.json's content; `scenarios`: what the sweep's workload scenarios set. */
export function recommendationFile(
  rows: ReadonlyArray<Row>,
  targets: Targets,
  scenarios?: WorkloadScenarios,
): RecommendationFile {
  const models = [...new Set(rows.map((r) => String(r[LABEL.costModel])))];
  return {
    format: 'mermap-lab-recommendation/1',
    targets,
    confidence: CONFIDENCE,
    costModel: models.join(', '),
    ...(scenarios === undefined ? {} : { workloadScenarios: scenarios }),
    rows: recommendWithIntervals(rows, targets),
  };
}
