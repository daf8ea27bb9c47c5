/**
 * docs/metrics.md's column tables, written from the vocabulary. The prose stays hand-written;
 * each table sits between `<!-- columns:NAME -->` and `<!-- /columns:NAME -->` and is replaced
 * whole. Pure text in, text out (scripts/docs.ts reads and writes the file).
 */
import { type ColumnSet, fileName } from './column.js';
import { VOCABULARY } from './index.js';

const code = (s: string): string => `\`${s}\``;
const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The tables whose columns the sweep files (results, points) hold, under their file names. */
const FILE_TABLES: ReadonlySet<string> = new Set(['summary', 'labels', 'sweep', 'points']);

/**
 * One Markdown table: summary columns also show the RunSummary field they flatten, and with
 * `inFiles` every column shows its name in the sweep files (fileName).
 */
export function columnTable(set: ColumnSet, inFiles = false): string {
  const withPath = set.columns.some((c) => c.path !== undefined);
  const heads = ['column', ...(inFiles ? ['file column'] : []), 'unit', 'kind', 'meaning'];
  if (withPath) heads.unshift('field');
  const head = `| ${heads.join(' | ')} |`;
  const rule = `|${heads.map(() => '---|').join('')}`;
  const rows = set.columns.map((c) => {
    const cells = [
      code(c.name),
      ...(inFiles ? [code(fileName(c.name))] : []),
      cell(c.unit),
      c.kind,
      cell(c.description),
    ];
    if (withPath) cells.unshift(code(c.path ?? c.name));
    return `| ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

const MARKER = /<!-- columns:([a-z-]+) -->\n[\s\S]*?<!-- \/columns:\1 -->/g;

/**
 * The document with every marked table rewritten from the vocabulary. Throws on a marker that
 * names no table, and on a vocabulary table the document has no marker for.
 */
export function renderMetricsDoc(md: string): string {
  const seen = new Set<string>();
  const out = md.replace(MARKER, (_m, name: string) => {
    const set = VOCABULARY[name];
    if (set === undefined) throw new Error(`docs marker 'columns:${name}' names no vocabulary table`);
    seen.add(name);
    return `<!-- columns:${name} -->\n${columnTable(set, FILE_TABLES.has(name))}\n<!-- /columns:${name} -->`;
  });
  const missing = Object.keys(VOCABULARY).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new Error(`docs have no table for: ${missing.join(', ')}`);
  return out;
}
