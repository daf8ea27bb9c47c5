/**
 * What every chart spec shares: the Vega-Lite v6 schema, a title whose subtitle is the caption
 * (caption.ts: the config that produced the data, so a chart pasted into a mail explains itself),
 * input as rows or an arquero table, and aggregation of large inputs before they go into the spec.
 *
 * Specs are plain JSON objects; nothing here imports vega or vega-lite (src/render does).
 */
import { type CaptionConfig, captionLines, resolveCaption } from './caption.js';

export * from './caption.js';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Above this many data points a builder aggregates in JS before writing the spec. */
export const MAX_POINTS = 5000;

export type Row = Record<string, unknown>;
/** Rows, or anything with arquero's objects() (a ColumnTable). */
export type ChartInput = ReadonlyArray<object> | { objects(): object[] };

export type Spec = Record<string, unknown>;

/** The opening every builder shares: its input as rows, and the caption (given, or from the rows). */
export function openChart(input: ChartInput, caption?: string | CaptionConfig): { rows: Row[]; caption: string } {
  const rows = rowsOf(input);
  return { rows, caption: resolveCaption(caption, rows) };
}

/** A chart builder as callers see it: rows or a table, a caption (or its config), options. */
export type ChartBuilder<O extends object> = (input: ChartInput, caption?: string | CaptionConfig, opts?: O) => Spec;

/** A builder from its body: the body gets the opened input (openChart) and the options ({} by default). */
export function chartBuilder<O extends object>(
  body: (open: { rows: Row[]; caption: string }, opts: O) => Spec,
): ChartBuilder<O> {
  return (input, caption, opts) => body(openChart(input, caption), opts ?? ({} as O));
}

/** The closing every builder shares: the header fields, then the body, long axis titles wrapped. */
export function chartSpec(title: string, caption: string, body: Spec, extraLines: string[] = []): Spec {
  return fitAxisTitles({ ...specHeader(title, caption, extraLines), ...body });
}

export function rowsOf(input: ChartInput): Row[] {
  if (Array.isArray(input)) return input as Row[];
  const t = input as { objects?: () => object[] };
  if (typeof t.objects === 'function') return t.objects() as Row[];
  throw new TypeError('chart input must be an array of rows or an arquero table');
}

/** The top-level fields every spec carries. */
export function specHeader(title: string, caption: string, extraLines: string[] = []): Spec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: [...captionLines(caption), ...extraLines], anchor: 'start' },
    description: `${title}. ${caption}`,
    usermeta: { caption },
  };
}

/**
 * Mean of `fields` over rows grouped by `keys` (JS, before plotting): exact for any mean the
 * chart takes over the same groups. Adds `n`, the rows in the group.
 */
export function meanBy(rows: ReadonlyArray<Row>, keys: readonly string[], fields: readonly string[]): Row[] {
  const groups = new Map<string, { key: Row; sums: number[]; counts: number[]; n: number }>();
  for (const r of rows) {
    const id = JSON.stringify(keys.map((k) => r[k] ?? null));
    let g = groups.get(id);
    if (g === undefined) {
      const key: Row = {};
      for (const k of keys) key[k] = r[k] ?? null;
      g = { key, sums: fields.map(() => 0), counts: fields.map(() => 0), n: 0 };
      groups.set(id, g);
    }
    g.n++;
    fields.forEach((f, i) => {
      const v = r[f];
      if (typeof v === 'number' && Number.isFinite(v)) {
        g!.sums[i] += v;
        g!.counts[i]++;
      }
    });
  }
  return [...groups.values()].map((g) => {
    const o: Row = { ...g.key, n: g.n };
    fields.forEach((f, i) => (o[f] = g.counts[i] > 0 ? g.sums[i] / g.counts[i] : null));
    return o;
  });
}

/**
 * Bin a numeric x into at most `bins` equal-width bins per series and average `fields` in each:
 * a long series becomes at most bins x series points. x of a bin = mean x of its rows.
 */
export function binMean(
  rows: ReadonlyArray<Row>,
  x: string,
  fields: readonly string[],
  series: string | null,
  bins: number,
): Row[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const v = r[x];
    if (typeof v === 'number') {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) return meanBy(rows, series === null ? [x] : [series, x], fields);
  const width = (hi - lo) / bins;
  const tagged = rows.map((r) => ({ ...r, __bin: Math.min(bins - 1, Math.floor(((r[x] as number) - lo) / width)) }));
  const out = meanBy(tagged, series === null ? ['__bin'] : [series, '__bin'], [x, ...fields]);
  for (const o of out) delete o.__bin;
  return out;
}

export function hasField(rows: ReadonlyArray<Row>, field: string): boolean {
  return rows.some((r) => r[field] !== undefined && r[field] !== null);
}

export function distinct(rows: ReadonlyArray<Row>, field: string): unknown[] {
  return [...new Set(rows.map((r) => r[field]).filter((v) => v !== undefined && v !== null))];
}

/** Keep only the named fields of each row (smaller specs). */
export function pick(rows: ReadonlyArray<Row>, fields: readonly string[]): Row[] {
  return rows.map((r) => {
    const o: Row = {};
    for (const f of fields) if (r[f] !== undefined) o[f] = r[f];
    return o;
  });
}

/** Axis titles longer than this many characters are set on two lines. */
const AXIS_TITLE_LINE = 34;

function wrapTitle(title: unknown): unknown {
  if (typeof title !== 'string' || title.length <= AXIS_TITLE_LINE) return title;
  // break at the space closest to the middle, preferring the one before a '('
  const mid = title.length / 2;
  let best = -1;
  for (let i = 0; i < title.length; i++) {
    if (title[i] !== ' ') continue;
    const score = Math.abs(i - mid) - (title[i + 1] === '(' ? 10 : 0);
    if (best < 0 || score < Math.abs(best - mid) - (title[best + 1] === '(' ? 10 : 0)) best = i;
  }
  return best < 0 ? title : [title.slice(0, best), title.slice(best + 1)];
}

/**
 * Vega centres an axis title on its axis; a title longer than the axis spills past both ends
 * and the chart grows blank margins to hold it. Long x and y titles (in the spec, a facet's
 * inner spec, and every layer) are set on two lines instead.
 */
export function fitAxisTitles<T extends Spec>(spec: T): T {
  const visit = (s: Spec | undefined): void => {
    if (s === undefined || s === null || typeof s !== 'object') return;
    const enc = s.encoding as Spec | undefined;
    if (enc !== undefined) {
      for (const ch of ['x', 'y']) {
        const e = enc[ch] as Spec | undefined;
        if (e !== undefined && e !== null && typeof e === 'object' && 'title' in e) e.title = wrapTitle(e.title);
      }
    }
    visit(s.spec as Spec | undefined);
    for (const k of ['layer', 'hconcat', 'vconcat', 'concat'] as const) {
      const list = s[k];
      if (Array.isArray(list)) list.forEach((x) => visit(x as Spec));
    }
  };
  visit(spec);
  return spec;
}

/** Whether `field` takes more than one value in `rows` (a facet or colour over it says something). */
export function varies(rows: ReadonlyArray<Row>, field: string): boolean {
  return distinct(rows, field).length > 1;
}

/**
 * Whether the mean of `y` changes with `field` (more than 1 % of the larger value) for some
 * combination of the `other` keys: a facet over a dimension that changes nothing is a wide chart
 * of identical panels. Per-CPU regions are independent, so e.g. flush frequency does not depend
 * on the possible-CPU count.
 */
export function dependsOn(rows: ReadonlyArray<Row>, field: string, y: string, other: readonly string[]): boolean {
  const means = meanBy(rows, [...other, field], [y]);
  const byOther = new Map<string, number[]>();
  for (const m of means) {
    const v = m[y];
    if (typeof v !== 'number') continue;
    const id = JSON.stringify(other.map((k) => m[k] ?? null));
    const list = byOther.get(id) ?? [];
    list.push(v);
    byOther.set(id, list);
  }
  for (const list of byOther.values()) {
    const lo = Math.min(...list);
    const hi = Math.max(...list);
    if (hi - lo > 0.01 * Math.max(Math.abs(lo), Math.abs(hi))) return true;
  }
  return false;
}

/** Facets wrap after this many panels, so a chart fits a 1280 px page. */
export const FACET_COLUMNS = 3;

/** A colour scale whose neighbouring values differ in hue, not only in lightness (slot counts). */
export const DISTINCT_COLOURS = { scheme: 'dark2' } as const;

/**
 * The unit of a duration axis for values up to `maxNs` nanoseconds: ns, us, ms or s, so the
 * ticks read 2 ms, not 2,000,000 ns. Returns the unit and the factor to divide nanoseconds by.
 */
export function durationUnit(maxNs: number): { unit: 'ns' | 'us' | 'ms' | 's'; factor: number } {
  if (!(maxNs >= 1e3)) return { unit: 'ns', factor: 1 };
  if (maxNs < 1e6) return { unit: 'us', factor: 1e3 };
  if (maxNs < 1e9) return { unit: 'ms', factor: 1e6 };
  return { unit: 's', factor: 1e9 };
}

/** Whether every value of `field` is 0, null or missing (a panel of it would be empty). */
export function allZero(rows: ReadonlyArray<Row>, field: string): boolean {
  return rows.every((r) => r[field] === null || r[field] === undefined || r[field] === 0);
}
