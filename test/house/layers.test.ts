/**
 * The layering rule of docs/design.md, enforced: every relative import (static, `export ... from`
 * or dynamic `import()`) of a module under src/ points to its own layer or one the table allows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(root, 'src');

/** What each layer (a folder of src/, or `index` for src/index.ts) may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  core: [],
  config: ['util', 'core'],
  workloads: ['util', 'core', 'config'],
  // analysis reads the result types of workloads (the ftrace summary) and of core
  analysis: ['util', 'core', 'config', 'workloads'],
  render: ['util', 'analysis'],
  run: ['util', 'core', 'config', 'workloads', 'analysis'],
  sweep: ['util', 'core', 'config', 'workloads', 'analysis', 'run'],
  cli: ['util', 'core', 'config', 'workloads', 'analysis', 'run', 'sweep', 'render'],
  notebook: ['util', 'core', 'config', 'workloads', 'analysis', 'run', 'sweep', 'render'],
  // the package's public API re-exports every layer but the CLI
  index: ['util', 'core', 'config', 'workloads', 'analysis', 'run', 'sweep', 'render', 'notebook'],
};

const IMPORT =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative module specifiers a source text imports. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

/** The layer of a path relative to src/: its first folder, or `index` for src/index.ts. */
function layerOf(path: string): string {
  const parts = path.split('/');
  return parts.length === 1 ? parts[0]!.replace(/\.ts$/, '') : parts[0]!;
}

/** `from -> to: spec` for every import of `file` (relative to src/) its layer may not make. */
function violations(file: string, text: string): string[] {
  const from = layerOf(file);
  const allowed = ALLOWED[from];
  if (allowed === undefined) return [`${file}: layer '${from}' is not in the table`];
  const bad: string[] = [];
  for (const spec of importsOf(text)) {
    const target = normalize(join(dirname(file), spec));
    if (target.startsWith('..')) {
      bad.push(`${file}: imports ${spec}, outside src/`);
      continue;
    }
    const to = layerOf(target);
    if (to !== from && !allowed.includes(to)) bad.push(`${file}: ${from} -> ${to} (${spec})`);
  }
  return bad;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('layers: imports point one way', () => {
  const files = sourceFiles(SRC).map((p) => relative(SRC, p).split('\\').join('/'));

  it('no module under src/ imports a layer above its own', () => {
    expect(files.length).toBeGreaterThan(100);
    const bad = files.flatMap((f) => violations(f, readFileSync(join(SRC, f), 'utf8')));
    expect(bad).toEqual([]);
  });

  it('every layer of src/ is in the table', () => {
    expect([...new Set(files.map(layerOf))].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('reads static, multi-line, type-only, re-export and dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      'import {',
      '  b,',
      '  type C,',
      "} from '../config/b.js';",
      "import type { D } from '../run/d.js';",
      "export { e } from '../sweep/e.js';",
      "export * from './f.js';",
      "const g = await import('../render/g.js');",
      "import { readFileSync } from 'node:fs';",
      "import './side-effect.js';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      './a.js',
      '../config/b.js',
      '../run/d.js',
      '../sweep/e.js',
      './f.js',
      '../render/g.js',
      './side-effect.js',
    ]);
  });

  it('names each upward import', () => {
    const text = [
      "import { MAX_CPUS } from './defaults.js';",
      "import type { RunConfig } from '../config/types.js';",
      "import { runPoint } from '../run/point.js';",
    ].join('\n');
    expect(violations('core/machine.ts', text)).toEqual([
      'core/machine.ts: core -> config (../config/types.js)',
      'core/machine.ts: core -> run (../run/point.js)',
    ]);
    expect(violations('config/x.ts', "import { costPresetNames } from '../analysis/costs/index.js';")).toEqual([
      'config/x.ts: config -> analysis (../analysis/costs/index.js)',
    ]);
    expect(violations('util/x.ts', "import { InputError } from '../config/errors.js';")).toEqual([
      'util/x.ts: util -> config (../config/errors.js)',
    ]);
    expect(violations('analysis/x.ts', "import { UsageError } from '../cli/errors.js';")).toEqual([
      'analysis/x.ts: analysis -> cli (../cli/errors.js)',
    ]);
  });
});
