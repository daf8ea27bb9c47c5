/**
 * Validation issues as one line each, naming the dotted field path, the value and what is allowed:
 *
 *   mermap.regionPages: 1 is not allowed: must be a whole number of pages in 2..262144
 *   workload.path: is missing: must be a non-empty file path
 *   machine.cpus: unknown field: allowed fields are possibleCpus, onlineCpus, onlineCpusCap, pagingLevels, tlb, directMapPageSize, preemptRt, shadowTlb
 */
import type { z } from 'zod';
import { allowedFields } from './schema.js';

export function formatValue(v: unknown): string {
  let s: string;
  if (typeof v === 'number') s = String(v);
  else if (v === undefined) s = 'undefined';
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function dotted(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(config)';
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): { present: boolean; value: unknown } {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, p)) {
      return { present: false, value: undefined };
    }
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return { present: cur !== undefined, value: cur };
}

export function issueLines(input: unknown, issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedFields(
      issue.path.join('.'),
      valueAt(input, ['workload', 'kind']).value,
      valueAt(input, ['workload', 'sizes', 'dist']).value,
    );
    return issue.keys.map(
      (k) => `${dotted([...issue.path, k])}: unknown field: allowed fields are ${allowed.join(', ')}`,
    );
  }
  const { present, value } = valueAt(input, issue.path);
  const where = dotted(issue.path);
  if (!present && issue.path.length > 0) return [`${where}: is missing: ${issue.message}`];
  return [`${where}: ${formatValue(value)} is not allowed: ${issue.message}`];
}
