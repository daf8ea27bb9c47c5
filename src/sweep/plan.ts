/**
 * The plan: a sweep spec expanded into its points, each with a stable index, a config and a seed.
 *
 * Canonical order. The grid is a cartesian product written like nested loops: the spec's first
 * grid key is the outermost loop, its last key the innermost, each key's values in list order,
 * and the replicate (0 .. replicates-1) innermost of all. For
 *     grid: { a: [1, 2], b: [x, y] }, replicates: 2
 * the points are
 *     0 a=1 b=x r0   1 a=1 b=x r1   2 a=1 b=y r0   3 a=1 b=y r1
 *     4 a=2 b=x r0   5 a=2 b=x r1   6 a=2 b=y r0   7 a=2 b=y r1
 * A grid combination's number is that same mixed-radix count without the replicate
 * (a=1 b=x is 0, a=2 b=y is 3). With `sample`, only the sampled combinations are kept, still in
 * ascending combination order, and the point indices count them densely from 0.
 *
 * Identity and seeds. A point's key is the canonical JSON of { grid: {path: value}, replicate }:
 * it does not depend on the order of grid keys, on sampling or on the point's index. Its seed is
 * the first 4 bytes (big-endian, unsigned) of sha256(sweepSeed + "\0" + key), written into
 * config.seed. So a point gets the same seed whichever worker, shard or resumed run computes it.
 * configHash is sha256 of the canonical JSON of the full config (seed included).
 *
 * Shared seeds (spec.sharedSeeds): the seed's key leaves those grid paths out, so points that
 * differ only there run with the same seeds (common random numbers). The default sweep shares
 * them across machine.possibleCpus, which lays out page tables and VA but does not change what a
 * CPU does (traffic runs on at most onlineCpusCap CPUs): its runs at 4, 16, 64 and 256 possible
 * CPUs differ by the page tables, not by noise.
 *
 * Adaptive sweeps (spec.adaptive): every combination has room for maxReplicates replicates in the
 * canonical order (index = combination · maxReplicates + replicate), of which the first
 * `replicates` always run and the rest only where adaptive.ts asks for them. Their seeds derive
 * the same way, from the point and the replicate index. Shards of an adaptive sweep deal whole
 * combinations (shardUnit), so a shard holds every replicate its decisions read.
 *
 * Workload scenarios (spec.scenarios): after the main grid's combinations come, scenario by
 * scenario in the spec's order, the combinations of the reduced grid (the grid with each `fix`
 * path held at its one value), numbered on from the main grid's (combination = the main grid's
 * count + k). Their points carry the scenario's name as one more grid value, `workloadScenario`
 * (`base` on the main grid's points), in their key and in the results; their configs get the
 * scenario's values set after the grid's. Their seeds are those of the main grid's point with
 * the same grid values and replicate (the scenario is left out of the seed key), so a scenario
 * differs from the base by its assumption, not by its random numbers.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, cloneJson, sha256Hex } from '../config/canonical.js';
import { SpecError } from './errors.js';
import type { Shard } from './shard.js';
import { BASE_SCENARIO, SCENARIO_COLUMN } from '../analysis/scenarios.js';
import { gridCombinations, scenarioGrid, specHash, type SweepSpec } from './spec.js';

export interface SweepPoint {
  /** Position in canonical order, 0-based and dense. */
  index: number;
  /** The grid combination's number in the full (unsampled) grid. */
  combination: number;
  replicate: number;
  /** Grid path -> value, in the spec's grid order. */
  grid: Record<string, unknown>;
  /** canonicalJson({ grid, replicate }). */
  key: string;
  /** The derived seed (an unsigned 32-bit integer), also in config.seed. */
  seed: number;
  /** base with the grid values set and the derived seed; plain JSON. */
  config: Record<string, unknown>;
  configHash: string;
}

/**
 * A planned sweep. Points are computed on demand from their index (point(i), shardPoints()), so
 * a shard of a million-point sweep costs the memory of its own points only.
 */
export interface SweepPlan {
  spec: SweepSpec;
  specHash: string;
  /**
   * The grid paths in the spec's order (the grid columns of the results), then
   * `workloadScenario` when the spec has scenarios.
   */
  gridPaths: string[];
  /** Combinations in the full grid (before sampling), without the scenarios'. */
  combinations: number;
  /** Points in the whole sweep (for an adaptive sweep, the most it can run). */
  size: number;
  /** Index slots per combination: maxReplicates for an adaptive sweep, else replicates. */
  replicatesPerCombination: number;
  /** Points dealt to a shard together: a whole combination when adaptive, else 1. */
  shardUnit: number;
  /** Point `index`, 0 <= index < size (a RangeError otherwise). */
  point(index: number): SweepPoint;
  /** The points of `shard` (all of them for null), in canonical order, one at a time. */
  shardPoints(shard: Shard | null): Generator<SweepPoint>;
  /** Every point, built on first use and kept: for small sweeps and tests, never the engine. */
  readonly points: SweepPoint[];
}

/** Checks one expanded point's config; returns its problems (empty when it is valid). */
export type PointValidator = (config: Record<string, unknown>) => string[];

export interface PlanOptions {
  validatePoint?: PointValidator | undefined;
  /** Names the sweep in a SpecError; defaults to `sweep '<name>'`. */
  source?: string | undefined;
  /** Validate only this shard's points (the ones that will run here); default every point. */
  shard?: Shard | null | undefined;
}

/** How many validation issues a SpecError lists before summarising the rest. */
const MAX_LISTED_ISSUES = 20;

export function pointKey(grid: Record<string, unknown>, replicate: number): string {
  return canonicalJson({ grid, replicate });
}

export function derivePointSeed(sweepSeed: number, key: string): number {
  return createHash('sha256').update(`${sweepSeed}\0${key}`, 'utf8').digest().readUInt32BE(0);
}

/** `12 (mermap.regionPages=64, mermap.variant=rfc-v1, replicate 1)`: a point, for messages. */
export function pointLabel(point: Pick<SweepPoint, 'index' | 'grid' | 'replicate'>): string {
  const parts = Object.entries(point.grid).map(
    ([path, value]) => `${path}=${typeof value === 'string' ? value : canonicalJson(value)}`,
  );
  parts.push(`replicate ${point.replicate}`);
  return `${point.index} (${parts.join(', ')})`;
}

/**
 * Pick `count` distinct combinations out of `total`, deterministically from `seed`, returned in
 * ascending order. Floyd's algorithm: one draw per chosen element, so a huge grid is never
 * enumerated. Draw k is the top 53 bits of sha256(seed + "\0sample\0" + k), scaled to [0, t].
 */
export function sampleCombinations(total: number, count: number, seed: number): number[] {
  if (!Number.isSafeInteger(total) || !Number.isSafeInteger(count) || count < 0 || count > total) {
    throw new RangeError(`cannot sample ${count} of ${total}`);
  }
  if (count === total) return Array.from({ length: total }, (_, i) => i);
  const chosen = new Set<number>();
  let draw = 0;
  for (let t = total - count; t < total; t++) {
    const digest = createHash('sha256').update(`${seed}\0sample\0${draw++}`, 'utf8').digest();
    const u = (digest.readUInt32BE(0) * 2 ** 21 + (digest.readUInt32BE(4) >>> 11)) / 2 ** 53;
    const j = Math.floor(u * (t + 1));
    chosen.add(chosen.has(j) ? t : j);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Why `path` cannot be set inside `base` (a scalar or a list in the way), or null if it can. */
function pathConflict(base: Record<string, unknown>, path: string): string | null {
  const segments = path.split('.');
  let node: unknown = base;
  for (let i = 0; i < segments.length - 1; i++) {
    node = Array.isArray(node) ? node[Number(segments[i])] : (node as Record<string, unknown>)[segments[i]!];
    if (node === undefined) return null;
    const at = `base.${segments.slice(0, i + 1).join('.')}`;
    if (node === null || typeof node !== 'object') {
      return `cannot set inside ${at} (${node === null ? 'null' : `a ${typeof node}`})`;
    }
    if (Array.isArray(node)) {
      const next = segments[i + 1]!;
      if (!/^(0|[1-9][0-9]*)$/.test(next) || Number(next) >= node.length) {
        return `cannot set '${next}' inside ${at} (a list of ${node.length})`;
      }
    }
  }
  return null;
}

/** Set a dotted path in a JSON object, creating missing mappings on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = target as Record<string, unknown>;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i]!;
    let next = node[key];
    if (next === undefined) {
      next = {};
      node[key] = next;
    }
    if (next === null || typeof next !== 'object') {
      throw new TypeError(`cannot set ${path}: ${segments.slice(0, i + 1).join('.')} is not a mapping`);
    }
    node = next as Record<string, unknown>;
  }
  node[segments[segments.length - 1]!] = cloneJson(value);
}

/** Expand a spec into its points. Throws SpecError if a grid path or a point's config is bad. */
export function planSweep(spec: SweepSpec, options: PlanOptions = {}): SweepPlan {
  const source = options.source ?? `sweep '${spec.name}'`;
  const gridPaths = Object.keys(spec.grid);
  const scenarios = spec.scenarios;
  const scenarioNames = scenarios === undefined ? [] : Object.keys(scenarios.set);
  const conflicts: string[] = [];
  for (const path of gridPaths) {
    const why = pathConflict(spec.base, path);
    if (why !== null) conflicts.push(`grid.${path}: ${why}`);
  }
  for (const name of scenarioNames) {
    for (const path of Object.keys(scenarios!.set[name]!)) {
      const why = pathConflict(spec.base, path);
      if (why !== null) conflicts.push(`scenarios.set.${name}.${path}: ${why}`);
    }
  }
  if (conflicts.length > 0) throw new SpecError(source, conflicts);

  const combinations = gridCombinations(spec.grid);
  const chosen =
    spec.sample === undefined ? null : sampleCombinations(combinations, spec.sample.count, spec.sample.seed);
  const perCombination = spec.adaptive?.maxReplicates ?? spec.replicates;
  const shardUnit = spec.adaptive === undefined ? 1 : perCombination;
  const mainCount = chosen === null ? combinations : chosen.length;
  const lists = gridPaths.map((p) => spec.grid[p]!);
  const reduced = scenarios === undefined ? spec.grid : scenarioGrid(spec.grid, scenarios.fix);
  const reducedLists = gridPaths.map((p) => reduced[p]!);
  const reducedCount = gridCombinations(reduced);
  const size = (mainCount + scenarioNames.length * reducedCount) * perCombination;
  const shared = new Set(spec.sharedSeeds ?? []);

  const point = (index: number): SweepPoint => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`point ${index} is not in a sweep of ${size} points`);
    }
    const c = Math.floor(index / perCombination);
    const replicate = index % perCombination;
    const main = c < mainCount;
    const scenario = main ? BASE_SCENARIO : scenarioNames[Math.floor((c - mainCount) / reducedCount)]!;
    const combination = main ? (chosen === null ? c : chosen[c]!) : combinations + (c - mainCount);
    const from = main ? lists : reducedLists;
    const grid: Record<string, unknown> = {};
    let rest = main ? combination : (c - mainCount) % reducedCount;
    for (let k = from.length - 1; k >= 0; k--) {
      grid[gridPaths[k]!] = from[k]![rest % from[k]!.length];
      rest = Math.floor(rest / from[k]!.length);
    }
    const ordered: Record<string, unknown> = {};
    for (const path of gridPaths) ordered[path] = cloneJson(grid[path]);
    const kept: Record<string, unknown> = {};
    for (const path of gridPaths) if (!shared.has(path)) kept[path] = ordered[path];
    const seed = derivePointSeed(spec.seed, pointKey(kept, replicate));
    const config = cloneJson(spec.base);
    for (const path of gridPaths) setPath(config, path, ordered[path]);
    if (!main) for (const [path, value] of Object.entries(scenarios!.set[scenario]!)) setPath(config, path, value);
    config.seed = seed;
    if (scenarios !== undefined) ordered[SCENARIO_COLUMN] = scenario;
    return {
      index,
      combination,
      replicate,
      grid: ordered,
      key: pointKey(ordered, replicate),
      seed,
      config,
      configHash: sha256Hex(canonicalJson(config)),
    };
  };
  function* shardPoints(shard: Shard | null): Generator<SweepPoint> {
    const first = shard === null ? 0 : shard.index;
    const step = shard === null ? 1 : shard.count;
    for (let u = first; u * shardUnit < size; u += step) {
      for (let i = u * shardUnit; i < (u + 1) * shardUnit; i++) yield point(i);
    }
  }

  if (options.validatePoint !== undefined) {
    const issues: string[] = [];
    let more = 0;
    for (const p of shardPoints(options.shard ?? null)) {
      for (const problem of options.validatePoint(cloneJson(p.config))) {
        if (issues.length < MAX_LISTED_ISSUES) issues.push(`point ${pointLabel(p)}: ${problem}`);
        else more++;
      }
    }
    if (more > 0) issues.push(`(${more} more issues not listed)`);
    if (issues.length > 0) throw new SpecError(source, issues);
  }

  let all: SweepPoint[] | null = null;
  return {
    spec,
    specHash: specHash(spec),
    gridPaths: scenarios === undefined ? gridPaths : [...gridPaths, SCENARIO_COLUMN],
    combinations,
    size,
    replicatesPerCombination: perCombination,
    shardUnit,
    point,
    shardPoints,
    get points() {
      all ??= Array.from({ length: size }, (_, i) => point(i));
      return all;
    },
  };
}

/** How many of `size` points (indices 0..size-1) fall in `shard`, dealt `unit` at a time. */
export function shardSize(size: number, shard: Shard | null, unit = 1): number {
  if (shard === null) return size;
  const units = size / unit;
  return shard.index >= units ? 0 : (Math.floor((units - 1 - shard.index) / shard.count) + 1) * unit;
}
