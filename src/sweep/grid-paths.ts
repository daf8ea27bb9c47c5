/** What a sweep spec's grid and scenarios share: dotted config paths, and counting combinations. */

/** The message for a value that is not JSON data. */
export const JSON_DATA = 'must be JSON data (finite numbers, strings, booleans, null, lists, mappings)';

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** Why `path` is not a usable dotted config path, or null when it is. */
export function pathIssue(path: string): string | null {
  const segments = path.split('.');
  if (segments.some((s) => s === '')) return 'not a dotted path (empty segment)';
  const forbidden = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
  return forbidden === undefined ? null : `forbidden path segment '${forbidden}'`;
}

/** The number of grid combinations (1 for an empty grid). */
export function gridCombinations(grid: Record<string, unknown[]>): number {
  let n = 1;
  for (const values of Object.values(grid)) n *= values.length;
  return n;
}
