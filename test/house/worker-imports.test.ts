/**
 * What a sweep worker loads: each worker thread imports the point runner (src/run/point.ts) and
 * everything it imports, once per thread, before its first point. The runner takes plain JSON
 * configs, so it reaches no YAML parser and no file loader: importing src/config's barrel from
 * it loaded the `yaml` package (78 CommonJS modules) into every worker, about 143 M
 * instructions of each worker's start-up (callgrind, Node 20, November 2026). This walks the
 * runner's static value imports and pins the packages it reaches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** `import`/`export ... from` statements that load a module at run time (not `import type`). */
const VALUE_IMPORT = /^(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** The packages (and node: modules) the module graph from `entry` (relative to src/) loads. */
function packagesReached(entry: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [join(SRC, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(VALUE_IMPORT)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!existsSync(target)) throw new Error(`${file}: ${spec} resolves to no source file`);
      queue.push(target);
    }
  }
  return [...packages].sort();
}

describe('the modules a sweep worker loads', () => {
  it('the point runner reaches zod and seedrandom, and node:fs only for trace files', () => {
    expect(packagesReached('run/point.ts')).toEqual(['node:crypto', 'node:fs', 'node:os', 'seedrandom', 'zod']);
  });

  it("src/config's barrel reaches yaml (the walk sees what it guards against)", () => {
    expect(packagesReached('config/index.ts')).toContain('yaml');
  });
});
