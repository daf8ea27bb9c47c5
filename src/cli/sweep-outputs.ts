/**
 * What a finished sweep folder gets beside its results: the per-point aggregates (points.csv,
 * points.arrow), the recommendation with its verdicts (recommendation.json) and the page for
 * the list (summary.md, summary.txt). All are computed from results.arrow and sweep.json, so a
 * merged folder gets the same bytes as an unsharded one, and `summary DIR` can print them again.
 */
import { bool, float64, int32, utf8 } from '@uwdata/flechette';
import { table, toArrowIPC, toCSV } from 'arquero';
import { join } from 'node:path';
import { fileNames, gridRowKey, POINT, POINT_SET } from '../analysis/columns/index.js';
import { pointRows } from '../analysis/points.js';
import { formatVerdictTable } from '../analysis/recommend-format.js';
import { type RecommendationFile, recommendationFile, type Targets } from '../analysis/recommend-verdict.js';
import { summaryMarkdown, summaryText } from '../analysis/sweep-summary.js';
import { specTargets } from '../sweep/adaptive.js';
import { canonicalJson } from '../config/canonical.js';
import { planSweep } from '../sweep/plan.js';
import { getPreset, presetNames } from '../sweep/presets.js';
import { type SweepSpec, specHash } from '../sweep/spec.js';
import { writeFileAtomicSync, withOutDir } from './atomic.js';
import { readSweepRows } from './report.js';

export const POINTS_CSV = 'points.csv';
export const POINTS_ARROW = 'points.arrow';
export const RECOMMENDATION_FILE = 'recommendation.json';
export const SUMMARY_MD = 'summary.md';
export const SUMMARY_TXT = 'summary.txt';

type Row = Record<string, unknown>;

export interface SweepOutputs {
  targets: Targets;
  recommendation: RecommendationFile;
  /** the terminal table */
  table: string;
  summaryText: string;
  summaryMarkdown: string;
  points: { csv: string; arrow: Uint8Array };
}

function encodePoints(rows: Row[], gridColumns: readonly string[]): { csv: string; arrow: Uint8Array } {
  const names = [
    POINT.combination,
    POINT.n,
    ...gridColumns,
    ...POINT_SET.names.filter((n) => n !== POINT.combination && n !== POINT.n),
  ];
  const columns: Record<string, unknown[]> = {};
  const types: Record<string, ReturnType<typeof float64 | typeof int32 | typeof utf8 | typeof bool>> = {};
  for (const name of names) {
    let values = rows.map((r) => r[name] ?? null);
    if (name === POINT.combination || name === POINT.n) types[name] = int32();
    else if (gridColumns.includes(name)) {
      const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v));
      if (kinds.size === 1 && kinds.has('number')) types[name] = float64();
      else if (kinds.size === 1 && kinds.has('boolean')) types[name] = bool();
      else {
        values = values.map((v) => (v === null || typeof v === 'string' ? v : canonicalJson(v)));
        types[name] = utf8();
      }
    } else types[name] = float64();
    columns[name] = values;
  }
  // the files name their columns in snake_case (fileName), as the results files do
  const files = fileNames(names);
  const t = table(Object.fromEntries(names.map((name, i) => [files[i]!, columns[name]!])), files);
  const fileTypes = Object.fromEntries(names.map((name, i) => [files[i]!, types[name]!]));
  return { csv: toCSV(t), arrow: toArrowIPC(t, { format: 'file', types: fileTypes }) };
}

/** The flags that turn `preset` into `spec`, or null when they cannot. */
function presetFlags(name: string, spec: SweepSpec): string[] | null {
  if (!presetNames().includes(name)) return null;
  const preset = getPreset(name);
  const flags: string[] = [];
  const candidate: SweepSpec = { ...preset };
  if (spec.replicates !== preset.replicates) {
    candidate.replicates = spec.replicates;
    flags.push(`--replicates ${spec.replicates}`);
  }
  if (canonicalJson(spec.adaptive ?? null) !== canonicalJson(preset.adaptive ?? null)) {
    if (spec.adaptive === undefined) {
      delete candidate.adaptive;
      flags.push('--ci-width 0');
    } else {
      candidate.adaptive = spec.adaptive;
      flags.push(`--ci-width ${spec.adaptive.ciWidth} --max-replicates ${spec.adaptive.maxReplicates}`);
    }
  }
  if (canonicalJson(spec.targets ?? null) !== canonicalJson(preset.targets ?? null) && spec.targets !== undefined) {
    candidate.targets = spec.targets;
    flags.push(`--max-fallback ${spec.targets.maxFallbackRate} --max-flush-cost ${spec.targets.maxFlushCostFraction}`);
  }
  return specHash(candidate) === specHash(spec) ? flags : null;
}

/** The command that runs this sweep again. */
export function reproduceCommand(spec: SweepSpec, dir: string): string {
  const flags = presetFlags(spec.name, spec);
  if (flags !== null) return ['mermap-lab sweep --preset', spec.name, ...flags, '--out', dir].join(' ');
  return `mermap-lab sweep SPEC.yaml --out ${dir}   # SPEC.yaml: the "spec" field of ${join(dir, 'sweep.json')}`;
}

/** The workload scenarios as one more line of what was swept: where they ran, and their names. */
function scenarioLine(s: NonNullable<SweepSpec['scenarios']>): Record<string, unknown[]> {
  const at = Object.entries(s.fix).map(([path, value]) => `${path} ${canonicalJson(value)}`);
  return { [`workload scenarios${at.length === 0 ? '' : ` (at ${at.join(', ')})`}`]: Object.keys(s.set) };
}

/** Everything a finished sweep folder gets beside its results. */
export function sweepOutputsOf(dir: string, targetsOverride?: Targets): SweepOutputs {
  const { name, rows, record } = readSweepRows(dir);
  const spec = record.spec;
  const targets = targetsOverride ?? specTargets(spec);
  const plan = planSweep(spec);
  // a grid path the rows carry as a label column keeps that column's name, as in the results
  const gridColumns = record.gridPaths.map((p) => gridRowKey(p, rows[0]));
  const points = pointRows(rows, gridColumns, (r) => plan.point(Number(r.point)).combination);
  const recommendation = recommendationFile(rows, targets, spec.scenarios?.set);
  const input = {
    name,
    grid: spec.scenarios === undefined ? spec.grid : { ...spec.grid, ...scenarioLine(spec.scenarios) },
    replicates: { min: spec.replicates, max: spec.adaptive?.maxReplicates ?? spec.replicates },
    runs: rows.length,
    workload: String(rows[0]?.workload ?? ''),
    costModel: recommendation.costModel,
    targets,
    recs: recommendation.rows,
    workloadScenarios: recommendation.workloadScenarios,
    command: reproduceCommand(spec, dir),
  };
  return {
    targets,
    recommendation,
    table: formatVerdictTable(recommendation.rows, targets),
    summaryText: summaryText(input),
    summaryMarkdown: summaryMarkdown(input),
    points: encodePoints(points, gridColumns),
  };
}

/** Write the outputs into the sweep folder, holding its lock; returns the files written. */
export async function writeSweepOutputs(dir: string, o: SweepOutputs): Promise<string[]> {
  const files: Array<[string, string | Uint8Array]> = [
    [POINTS_CSV, o.points.csv],
    [POINTS_ARROW, o.points.arrow],
    [RECOMMENDATION_FILE, `${JSON.stringify(o.recommendation, null, 2)}\n`],
    [SUMMARY_MD, o.summaryMarkdown],
    [SUMMARY_TXT, o.summaryText],
  ];
  return withOutDir(dir, 'mermap-lab sweep', () =>
    files.map(([name, data]) => {
      writeFileAtomicSync(join(dir, name), data);
      return join(dir, name);
    }),
  );
}
