/**
 * Rewrites docs/metrics.md's column tables from the column vocabulary (src/analysis/columns/).
 * Run with `npm run docs`; `--check` exits 1 instead of writing when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMetricsDoc } from '../src/analysis/columns/docs.js';

const file = fileURLToPath(new URL('../docs/metrics.md', import.meta.url));
const before = readFileSync(file, 'utf8');
const after = renderMetricsDoc(before);
if (after === before) {
  console.log('docs/metrics.md is up to date');
} else if (process.argv.includes('--check')) {
  console.error('docs/metrics.md is out of date with the column vocabulary: run npm run docs');
  process.exit(1);
} else {
  writeFileSync(file, after);
  console.log('docs/metrics.md: column tables rewritten');
}
