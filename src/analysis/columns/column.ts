/**
 * What a column is: its output name, unit, kind and meaning, and how output names are made.
 * The vocabulary (./index.ts) is built from these; nothing else writes a column name down.
 */

/**
 * 'int': a whole-number count; 'float': a ratio, mean, time or cost; 'string': text; 'json': a
 * nested value (the run report's lists and config, never a table column).
 */
export type ColumnKind = 'int' | 'float' | 'string' | 'json';

export interface Column {
  /** what code calls the column (the camelCase name, for run columns the joined RunSummary path) */
  readonly key: string;
  /** the output name (a table's column, a row's field): outputName(key) */
  readonly name: string;
  /** unit as docs/metrics.md writes it ('' when the column has none) */
  readonly unit: string;
  readonly kind: ColumnKind;
  /** one line, Markdown allowed */
  readonly description: string;
  /** the RunSummary field it flattens (run columns only), e.g. 'wastedVa.meanFraction' */
  readonly path?: string;
}

/** A column written as [key, unit, kind, description]. */
export type ColumnDef = readonly [key: string, unit: string, kind: ColumnKind, description: string];

/**
 * Which columns sweep results hold and how they are named. 1: grid paths as their own dotted
 * columns next to the run row's label columns; 2: a grid path a run row already carries as a
 * label column (LABEL_OF_CONFIG_PATH) has no column of its own, and pageTablesPossibleCpus is
 * left out for possibleCpus; 3: the files a sweep writes (results.csv/.arrow, points.csv/.arrow)
 * name their columns in snake_case (fileName). Sweep folders record it (sweep.json), so a folder written under
 * another version is refused with a message instead of merged or read wrongly.
 */
export const COLUMN_NAMES_VERSION = 3;

/**
 * The output name of a column key: every table, row, sweep result and chart field gets its name
 * here. Today it is the key itself (camelCase).
 */
export function outputName(key: string): string {
  return key;
}

/**
 * The name a column has in the files a sweep writes for other tools (results.csv, results.arrow,
 * points.csv, points.arrow): snake_case, no dots. A key (or a dotted grid path) is cut into words
 * at each capital and dot; a run of digits is a word of its own after a word of three or more
 * letters, else part of it: 'flushesPer1000Gets' -> 'flushes_per_1000_gets', 'tlbL1Hits' ->
 * 'tlb_l1_hits', 'getsBetweenFlushesP99' -> 'gets_between_flushes_p99', 'costCi95Lo' ->
 * 'cost_ci95_lo', 'mermap.slots' -> 'mermap_slots'. Reading a file back maps the names back
 * (fileKeys); test/analysis/columns.test.ts checks every vocabulary key round trips.
 */
export function fileName(key: string): string {
  const words: string[] = [];
  for (const piece of key.split(/[._\-\s]+/)) {
    for (const m of piece.matchAll(/[A-Z]?[a-z]+|[A-Z]|[0-9]+[a-z]*/g)) {
      const w = m[0].toLowerCase();
      if (w === '') continue;
      const last = words.length > 0 ? words[words.length - 1]! : undefined;
      if (/^[0-9]/.test(w) && last !== undefined && last.length < 3 && /^[a-z]+$/.test(last)) {
        words[words.length - 1] = last + w;
      } else words.push(w);
    }
  }
  return words.join('_');
}

/**
 * The file names of a file's columns (output names or grid paths), in order; throws when two
 * would share a name, so a file never holds a duplicate column.
 */
export function fileNames(keys: readonly string[]): string[] {
  const seen = new Map<string, string>();
  return keys.map((key) => {
    const name = fileName(key);
    const other = seen.get(name);
    if (other !== undefined) throw new Error(`columns '${other}' and '${key}' would both be '${name}' in the files`);
    seen.set(name, key);
    return name;
  });
}

/** snake_case or camelCase -> camelCase with the first letter upper-cased (for joining). */
function part(key: string): string {
  const camel = key.replace(/[_\-\s]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/**
 * The column name of a nested field: a prefix and a key joined in camelCase,
 * ('wastedVa', 'meanFraction') -> 'wastedVaMeanFraction', ('', 'no_space') -> 'noSpace'.
 */
export function joinName(prefix: string, key: string): string {
  if (prefix === '') {
    const p = part(key);
    return p.charAt(0).toLowerCase() + p.slice(1);
  }
  return prefix + part(key);
}

/** The column key of a dotted RunSummary path: 'tlb.perFlush.user' -> 'tlbPerFlushUser'. */
export function columnKeyOfPath(path: string): string {
  return path.split('.').reduce((name, key) => joinName(name, key), '');
}

/**
 * An ordered set of columns with lookup by key. A set made from literal definitions (of())
 * knows its keys: `set.field.gets` is the output name of column `gets`, checked by the compiler.
 */
export class ColumnSet<K extends string = string> {
  readonly columns: readonly Column[];
  /** output name by key */
  readonly field: { readonly [P in K]: string };
  private readonly byKey: ReadonlyMap<string, Column>;
  private readonly byName: ReadonlySet<string>;

  constructor(columns: readonly Column[]) {
    this.columns = columns;
    const byKey = new Map<string, Column>();
    const byName = new Set<string>();
    for (const c of columns) {
      if (byKey.has(c.key) || byName.has(c.name)) throw new Error(`column '${c.key}' is defined twice`);
      byKey.set(c.key, c);
      byName.add(c.name);
    }
    this.byKey = byKey;
    this.byName = byName;
    this.field = Object.fromEntries(columns.map((c) => [c.key, c.name])) as { readonly [P in K]: string };
  }

  static of<const D extends readonly ColumnDef[]>(defs: D): ColumnSet<D[number][0]> {
    return new ColumnSet(
      defs.map(([key, unit, kind, description]) => ({ key, name: outputName(key), unit, kind, description })),
    );
  }

  /** output names, in order */
  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  get keys(): K[] {
    return this.columns.map((c) => c.key as K);
  }

  /** whether a column has this output name */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  hasKey(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): Column {
    const c = this.byKey.get(key);
    if (c === undefined) throw new Error(`no column '${key}' in the vocabulary`);
    return c;
  }

  /**
   * The output names of `keys`, checked when the module loads: { flushesPer1000Gets:
   * 'flushesPer1000Gets', ... }. Code selects columns through these, so a column that leaves the
   * vocabulary fails at load (and in the tests) instead of leaving a chart empty.
   */
  fields<const K extends string>(keys: readonly K[]): { readonly [P in K]: string } {
    const out = {} as Record<K, string>;
    for (const k of keys) out[k] = this.get(k).name;
    return out;
  }
}
