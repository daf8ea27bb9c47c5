/**
 * How the run columns are written (./summary.ts, ./summary-cost.ts, ./summary-machine.ts): a
 * tree shaped like the RunSummary part it documents, whose leaves are [unit, kind, description],
 * flattened into columns in the tree's order (summaryToRow()'s order).
 */
import { type Column, type ColumnKind, columnKeyOfPath, outputName } from './column.js';

export type Leaf = readonly [unit: string, kind: ColumnKind, description: string];

/** The unit of a ratio of two counts. */
export const UNIT_FRACTION = 'fraction';

/** A Record<string, number> field: one column per key. */
export interface PerKey {
  readonly keys: readonly string[];
  readonly unit: string;
  readonly kind: ColumnKind;
  readonly describe: (key: string) => string;
}

/** The docs of T: every field of T, a leaf for a value, a PerKey for a record, a subtree else. */
export type DocsOf<T> = {
  readonly [K in keyof T]-?: T[K] extends number | string | null
    ? Leaf
    : string extends keyof T[K]
      ? PerKey
      : DocsOf<T[K]>;
};

function isLeaf(v: unknown): v is Leaf {
  return Array.isArray(v);
}

function isPerKey(v: unknown): v is PerKey {
  return typeof v === 'object' && v !== null && 'keys' in v && 'describe' in v;
}

/** The columns of a docs tree, each with the dotted path it flattens (prefixed by `prefix`). */
export function flattenDocs(docs: object, prefix: string, out: Column[]): Column[] {
  for (const [key, v] of Object.entries(docs)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isLeaf(v)) {
      const [unit, kind, description] = v;
      const key = columnKeyOfPath(path);
      out.push({ key, name: outputName(key), unit, kind, description, path });
    } else if (isPerKey(v)) {
      for (const k of v.keys) {
        const p = `${path}.${k}`;
        const key = columnKeyOfPath(p);
        out.push({ key, name: outputName(key), unit: v.unit, kind: v.kind, description: v.describe(k), path: p });
      }
    } else {
      flattenDocs(v, path, out);
    }
  }
  return out;
}
