/**
 * The sweep spec: what to run, as data (a YAML or JSON file, or an embedded preset).
 *
 *   name: smoke                 # names the sweep in messages and in sweep.json
 *   seed: 1                     # the sweep seed; each point's seed derives from it (plan.ts)
 *   replicates: 2               # runs per grid combination, each with its own derived seed
 *   base: { ...run config... }  # validated per expanded point by the caller's validatePoint
 *   grid:                       # dotted path into the run config -> the values it takes
 *     mermap.regionPages: [64, 256]
 *     mermap.variant: [rfc-v1, rfc-later]
 *   sample: { count: 10, seed: 7 }   # optional: a seeded random subset of the grid combinations
 *   workers: 4                  # optional default for --workers; does not change the results
 *   targets:                    # optional: what the recommendation asks (default 1 % and 1 %)
 *     maxFallbackRate: 0.01
 *     maxFlushCostFraction: 0.01
 *   sharedSeeds: [machine.possibleCpus]   # optional: grid paths left out of the seeds (plan.ts)
 *   adaptive:                   # optional: more replicates where a target is in doubt (adaptive.ts)
 *     maxReplicates: 8          # the cap (replicates above is the minimum)
 *     ciWidth: 0.1              # stop once half the 95 % interval is within this share of the target
 *   scenarios:                  # optional: workload scenarios on a reduced grid (spec-scenarios.ts)
 *     fix: { machine.possibleCpus: 4 }
 *     set: { rate x2: { workload.ratePerCpuHz: 40000 } }
 *
 * Every issue names its field (`grid.mermap.regionPages: must be a non-empty list`), and all
 * issues are reported at once. The grid's key order is part of the sweep: it fixes the canonical
 * point order (plan.ts), so the spec hash keeps it.
 */
import { MAX_NESTING, shortPath, tooDeepAt } from '../config/depth.js';
import { formatOfPath, parseDataText, readInputFile } from '../config/load.js';
import { canonicalJson, firstNonJson, sha256Hex } from '../config/canonical.js';
import { SpecError } from './errors.js';
import { gridCombinations, JSON_DATA, pathIssue } from './grid-paths.js';
import { scenarioCombinations, scenarioIssues, type SweepScenarios } from './spec-scenarios.js';
import {
  joinPath,
  MAX_ADAPTIVE_REPLICATES,
  RESULT_COLUMNS,
  schemaIssues,
  specSchema,
  TOP_FIELDS,
} from './spec-schema.js';

export { gridCombinations } from './grid-paths.js';
export { scenarioCombinations, scenarioGrid, type SweepScenarios } from './spec-scenarios.js';
export { MAX_ADAPTIVE_REPLICATES };

/** The most points one sweep may hold (grid combinations, or the sample, times replicates). */
export const MAX_POINTS = 1_000_000;

export interface SweepSpec {
  name: string;
  seed: number;
  replicates: number;
  /** A run config, validated per point by the caller (plan.ts `validatePoint`). */
  base: Record<string, unknown>;
  /** Dotted path -> the values it takes, in the order the spec lists them. */
  grid: Record<string, unknown[]>;
  /** A seeded random subset of the grid combinations (`seed` defaults to the sweep seed). */
  sample?: { count: number; seed: number };
  /** Default worker count; execution only, not part of the spec hash. */
  workers?: number;
  /** The recommendation's targets (and the adaptive mode's). */
  targets?: SweepTargets;
  /** Replicates added where a target is in doubt, up to maxReplicates (adaptive.ts). */
  adaptive?: { maxReplicates: number; ciWidth: number };
  /** Grid paths the seeds do not depend on: points that differ only there share seeds. */
  sharedSeeds?: string[];
  /** Named workload scenarios, each run over the grid with the `fix` paths held (plan.ts). */
  scenarios?: SweepScenarios;
}

export interface SweepTargets {
  maxFallbackRate: number;
  maxFlushCostFraction: number;
}

/**
 * Validate `input` (already parsed from YAML or JSON) as a sweep spec. `source` names it in the
 * error (a file path, `preset 'smoke'`). Throws SpecError listing every issue.
 */
export function parseSweepSpec(input: unknown, source = 'sweep spec'): SweepSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new SpecError(source, [`the spec must be a mapping with the fields ${TOP_FIELDS.join(', ')}`]);
  }
  const deep = tooDeepAt(input);
  if (deep !== null) throw new SpecError(source, [`${shortPath(deep)}: nests deeper than ${MAX_NESTING} levels`]);
  const parsed = specSchema.safeParse(input);
  if (!parsed.success) throw new SpecError(source, schemaIssues(parsed.error.issues));
  const data = parsed.data;
  const issues: string[] = [];

  const badBase = firstNonJson(data.base);
  if (badBase !== null) issues.push(`${joinPath('base', badBase)}: ${JSON_DATA}`);

  const keys = Object.keys(data.grid);
  keys.forEach((key, k) => {
    const at = `grid.${key}`;
    const bad = pathIssue(key);
    if (bad !== null) {
      issues.push(`${at}: ${bad}`);
      return;
    }
    if (key.split('.')[0] === 'seed') {
      issues.push(`${at}: the seed is derived for each point from the sweep seed; use replicates instead`);
      return;
    }
    if (RESULT_COLUMNS.includes(key)) {
      issues.push(`${at}: clashes with the results column '${key}'`);
      return;
    }
    for (const earlier of keys.slice(0, k)) {
      if (key.startsWith(`${earlier}.`) || earlier.startsWith(`${key}.`)) {
        issues.push(`${at}: overlaps grid.${earlier}`);
      }
    }
    const seen = new Set<string>();
    data.grid[key]!.forEach((value, i) => {
      const bad = firstNonJson(value);
      if (bad !== null) {
        issues.push(`${at}[${i}]${bad === '' ? '' : bad.startsWith('[') ? bad : `.${bad}`}: ${JSON_DATA}`);
        return;
      }
      const text = canonicalJson(value);
      if (seen.has(text)) issues.push(`${at}: duplicate value ${text}`);
      seen.add(text);
    });
  });

  for (const [i, path] of (data.sharedSeeds ?? []).entries()) {
    if (!keys.includes(path)) issues.push(`sharedSeeds[${i}]: '${path}' is not a grid path (grid: ${keys.join(', ')})`);
  }

  if (data.scenarios !== undefined)
    issues.push(...scenarioIssues(data.scenarios, data.grid, data.sample !== undefined));

  const combinations =
    gridCombinations(data.grid) + (data.scenarios === undefined ? 0 : scenarioCombinations(data.grid, data.scenarios));
  if (combinations > Number.MAX_SAFE_INTEGER) {
    issues.push(`grid: more than 2^53 combinations`);
  } else if (data.sample !== undefined && data.sample.count > combinations) {
    issues.push(`sample.count: ${data.sample.count} is more than the ${combinations} grid combinations`);
  } else {
    if (data.adaptive !== undefined && data.adaptive.maxReplicates < data.replicates) {
      issues.push(
        `adaptive.maxReplicates: ${data.adaptive.maxReplicates} is fewer than the ${data.replicates} replicates every point gets`,
      );
    }
    const points = (data.sample?.count ?? combinations) * (data.adaptive?.maxReplicates ?? data.replicates);
    if (points > MAX_POINTS) {
      issues.push(
        `grid: ${points} points (grid combinations x replicates) is more than the limit of ${MAX_POINTS};` +
          ` run a random subset with sample.count`,
      );
    }
  }
  if (issues.length > 0) throw new SpecError(source, issues);

  const spec: SweepSpec = {
    name: data.name,
    seed: data.seed,
    replicates: data.replicates,
    base: data.base,
    grid: data.grid,
  };
  if (data.sample !== undefined) spec.sample = { count: data.sample.count, seed: data.sample.seed ?? data.seed };
  if (data.workers !== undefined) spec.workers = data.workers;
  if (data.targets !== undefined) spec.targets = { ...data.targets };
  if (data.adaptive !== undefined) spec.adaptive = { ...data.adaptive };
  if (data.sharedSeeds !== undefined) spec.sharedSeeds = [...data.sharedSeeds];
  if (data.scenarios !== undefined) spec.scenarios = { fix: { ...data.scenarios.fix }, set: { ...data.scenarios.set } };
  return spec;
}

/** Parse spec text: JSON for `.json` files, YAML (a superset of JSON) otherwise. */
export function parseSweepSpecText(text: string, source: string, format: 'json' | 'yaml' = 'yaml'): SweepSpec {
  const parsed = parseDataText(text, format);
  if (!parsed.ok) {
    const kind = format === 'json' ? 'JSON' : 'YAML';
    throw new SpecError(
      source,
      parsed.problems.map((p) =>
        p.line === undefined
          ? `not valid ${kind}: ${p.message}`
          : `not valid ${kind}: ${p.message} at line ${p.line}, column ${p.column}:`,
      ),
    );
  }
  return parseSweepSpec(parsed.value, source);
}

/** Read and validate a sweep spec file (`.json`, or YAML for any other extension). */
export function loadSweepSpec(path: string): SweepSpec {
  const read = readInputFile(path);
  if (!read.ok) throw new SpecError(path, [`cannot read the file (${read.why})`]);
  return parseSweepSpecText(read.text, path, formatOfPath(path) === 'json' ? 'json' : 'yaml');
}

/**
 * The sweep's identity: sha256 of the canonical JSON of the spec without `workers` (which does
 * not change results), with the grid as a list of [path, values] pairs so its order counts.
 */
export function specHash(spec: SweepSpec): string {
  const { workers: _workers, grid, scenarios, ...rest } = spec;
  const ordered: Record<string, unknown> = { ...rest, grid: Object.entries(grid) };
  // the scenarios' order is the points' order, so it counts too
  if (scenarios !== undefined) ordered.scenarios = { fix: scenarios.fix, set: Object.entries(scenarios.set) };
  return sha256Hex(canonicalJson(ordered));
}
