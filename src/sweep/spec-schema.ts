/**
 * The sweep spec's shape, checked by zod: every field, its allowed values and the message that
 * names it (`grid.mermap.regionPages: must be a non-empty list`). What the shape cannot say (grid
 * paths, duplicates, the point count) is checked in ./spec.ts.
 */
import { z } from 'zod';
import { SWEEP_RESERVED_NAMES } from '../analysis/columns/index.js';
import { LIMITS, sizeAllowed } from '../config/limits.js';

export const TOP_FIELDS = [
  'name',
  'seed',
  'replicates',
  'base',
  'grid',
  'sample',
  'workers',
  'targets',
  'adaptive',
  'sharedSeeds',
  'scenarios',
];
const SAMPLE_FIELDS = ['count', 'seed'];
const TARGET_FIELDS = ['maxFallbackRate', 'maxFlushCostFraction'];
const ADAPTIVE_FIELDS = ['maxReplicates', 'ciWidth'];
const SCENARIO_FIELDS = ['fix', 'set'];
/** The most replicates adaptive mode may add up to per grid combination. */
export const MAX_ADAPTIVE_REPLICATES = 1000;
/** Results columns a grid path may not be named (the sweep's own columns; seed is refused above). */
export const RESULT_COLUMNS = SWEEP_RESERVED_NAMES;

/** An error message for a field, or `required` when the field is absent. */
const orRequired =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'required' : message;

const nonNegativeInt = (what = 'must be an integer >= 0') =>
  z
    .number({ error: orRequired(what) })
    .int({ error: what })
    .min(0, { error: what });
const positiveInt = (what = 'must be an integer >= 1') =>
  z
    .number({ error: orRequired(what) })
    .int({ error: what })
    .min(1, { error: what });

const FRACTION = 'must be a number in (0, 1]';
const fraction = () =>
  z
    .number({ error: orRequired(FRACTION) })
    .gt(0, { error: FRACTION })
    .max(1, { error: FRACTION });

export const specSchema = z.strictObject({
  name: z.string({ error: orRequired('must be a non-empty string') }).min(1, { error: 'must be a non-empty string' }),
  seed: nonNegativeInt(),
  replicates: positiveInt().default(1),
  base: z.record(z.string(), z.unknown(), { error: orRequired('must be a mapping (a run config)') }),
  grid: z
    .record(
      z.string(),
      z.array(z.unknown(), { error: 'must be a non-empty list' }).min(1, { error: 'must be a non-empty list' }),
      { error: 'must be a mapping from dotted config paths to lists of values' },
    )
    .default({}),
  sample: z
    .strictObject(
      { count: positiveInt(), seed: nonNegativeInt().optional() },
      { error: 'must be a mapping with count (and optionally seed)' },
    )
    .optional(),
  workers: positiveInt(`must be ${sizeAllowed(LIMITS.workers)}`)
    .max(LIMITS.workers.max, { error: `must be ${sizeAllowed(LIMITS.workers)}` })
    .optional(),
  targets: z
    .strictObject(
      { maxFallbackRate: fraction(), maxFlushCostFraction: fraction() },
      { error: 'must be a mapping with maxFallbackRate and maxFlushCostFraction' },
    )
    .optional(),
  adaptive: z
    .strictObject(
      {
        maxReplicates: positiveInt(`must be an integer from 1 to ${MAX_ADAPTIVE_REPLICATES}`).max(
          MAX_ADAPTIVE_REPLICATES,
          {
            error: `must be an integer from 1 to ${MAX_ADAPTIVE_REPLICATES}`,
          },
        ),
        ciWidth: fraction(),
      },
      { error: 'must be a mapping with maxReplicates and ciWidth' },
    )
    .optional(),
  sharedSeeds: z.array(z.string(), { error: 'must be a list of grid paths' }).optional(),
  scenarios: z
    .strictObject(
      {
        fix: z.record(z.string(), z.unknown(), { error: 'must be a mapping from grid paths to one of their values' }),
        set: z.record(
          z.string(),
          z.record(z.string(), z.unknown(), { error: 'must be a mapping from dotted config paths to values' }),
          { error: 'must be a mapping from scenario names to their config values' },
        ),
      },
      { error: 'must be a mapping with fix and set' },
    )
    .optional(),
});

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function joinPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** One message per issue zod found, each naming its field; an unknown field lists the known ones. */
export function schemaIssues(found: readonly z.core.$ZodIssue[]): string[] {
  const issues: string[] = [];
  for (const issue of found) {
    const at = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known =
        at === ''
          ? TOP_FIELDS
          : at === 'sample'
            ? SAMPLE_FIELDS
            : at === 'targets'
              ? TARGET_FIELDS
              : at === 'adaptive'
                ? ADAPTIVE_FIELDS
                : at === 'scenarios'
                  ? SCENARIO_FIELDS
                  : [];
      for (const key of issue.keys) {
        issues.push(`${joinPath(at, key)}: unknown field (known: ${known.join(', ')})`);
      }
    } else {
      issues.push(`${at}: ${issue.message}`);
    }
  }
  return issues;
}
