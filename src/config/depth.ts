/**
 * How deeply a parsed value nests. Configs and sweep specs nest a few levels; a file that nests
 * thousands deep is an attack or a mistake, and recursive code (validation, hashing, printing)
 * would overflow the stack on it, so loading refuses it first.
 */

/** Deepest nesting of lists and mappings a config or sweep spec may have. */
export const MAX_NESTING = 64;

/**
 * The dotted path of the first value nested deeper than `max` levels (the top level is 1), or
 * null. Iterative: it cannot overflow the stack whatever the input.
 */
export function tooDeepAt(value: unknown, max = MAX_NESTING): string | null {
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return path === '' ? '(top)' : path;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
    } else {
      for (const [k, x] of Object.entries(v))
        stack.push({ v: x, depth: depth + 1, path: path === '' ? k : `${path}.${k}` });
    }
  }
  return null;
}

/** A path shortened for one-line messages: its first 40 characters. */
export function shortPath(path: string): string {
  return path.length > 40 ? `${path.slice(0, 37).replace(/\.$/, '')}...` : path;
}
