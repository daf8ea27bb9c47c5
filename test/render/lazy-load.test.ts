import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const renderDir = path.join(root, 'src', 'render');
const HEAVY = ['vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js'];

describe('src/render loads vega and resvg lazily', () => {
  it('has no static (value) import of vega, vega-lite, vega-embed or resvg', () => {
    const files = readdirSync(renderDir).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    const offenders: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(renderDir, file), 'utf8');
      for (const m of source.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]/gm)) {
        if (HEAVY.includes(m[2]!)) offenders.push(`${file}: ${m[0].trim()}`);
      }
      for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) {
        if (HEAVY.includes(m[1]!)) offenders.push(`${file}: ${m[0].trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('can be require()d, as tslab loads the library in notebooks', () => {
    // require() of an ES module graph with top-level await (vega-canvas, reached from vega)
    // throws ERR_REQUIRE_ASYNC_MODULE; the render entry must not reach it until called.
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '-e', "console.log(Object.keys(require('./src/render/index.ts')).sort().join(','))"],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(out.trim().split(',')).toEqual(
      expect.arrayContaining(['renderSvg', 'renderPng', 'renderReportHtml', 'writeChartFiles', 'writeReport']),
    );
  });
});
