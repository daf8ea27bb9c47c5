/**
 * Chart captions: one line naming the config that produced a chart's data (variant, R, slots,
 * CPUs, workload, seed, ...), written from a config or derived from the rows' label columns.
 */
import { LABEL, LABEL_SET } from '../columns/index.js';
import type { Row } from './common.js';

/** The config a caption describes; any field may be a list of the values a chart spans. */
export interface CaptionConfig {
  variant?: string | readonly string[];
  /** alternative name for variant (the policy zoo) */
  policy?: string | readonly string[];
  regionPages?: number | readonly number[];
  slots?: number | readonly number[];
  cpus?: number | readonly number[];
  possibleCpus?: number | readonly number[];
  pagingLevels?: number | readonly number[];
  workload?: string | readonly string[];
  seed?: number | string | ReadonlyArray<number | string>;
  tlb?: string | readonly string[];
  costModel?: string | readonly string[];
  name?: string;
  /** anything else, written as "key value" */
  [key: string]: unknown;
}

/** Fields captionFor() writes in its own words: the label columns, and 'policy'. */
const KNOWN = new Set<string>([...LABEL_SET.keys, 'policy']);

/** The label columns captionConfigOf() reads from rows (not name, nor paging levels). */
const CAPTION_KEYS = LABEL_SET.keys.filter((k) => k !== 'name' && k !== 'pagingLevels');

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? [...new Set(v)] : v === undefined || v === null ? [] : [v];
}

function span(values: unknown[]): string {
  if (values.length <= 4) return values.join(', ');
  if (values.every((x) => typeof x === 'number')) {
    const nums = values as number[];
    return `${Math.min(...nums)}–${Math.max(...nums)} (${values.length} values)`;
  }
  return `${values.slice(0, 3).join(', ')}, … (${values.length} values)`;
}

/** 512 pages -> "2 MiB"; 16 -> "64 KiB" (4 KiB pages). */
export function pagesToSize(pages: number): string {
  const kib = pages * 4;
  if (kib >= 1024 * 1024 && kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)} GiB`;
  if (kib >= 1024 && kib % 1024 === 0) return `${kib / 1024} MiB`;
  return `${kib} KiB`;
}

/**
 * One line naming the config: variant or policy, region size, slots, CPUs, workload, seed (and
 * TLB, cost model, anything else given), e.g.
 *   "rfc-v1 · R = 512 pages (2 MiB) · 4 slots · 4 CPUs (8 possible) · workload unmapped-alloc · seed 1"
 * A field given as a list reads as the values the chart spans ("R = 64, 512, 4096 pages").
 */
export function captionFor(config: CaptionConfig): string {
  const parts: string[] = [];
  if (config.name !== undefined) parts.push(String(config.name));
  const variants = list(config.variant ?? config.policy);
  if (variants.length > 0) {
    const word =
      config.variant === undefined
        ? variants.length > 1
          ? 'policies'
          : 'policy'
        : variants.length > 1
          ? 'variants'
          : 'variant';
    parts.push(`${word} ${span(variants)}`);
  }
  const r = list(config.regionPages);
  if (r.length === 1) parts.push(`R = ${r[0]} pages (${pagesToSize(r[0] as number)})`);
  else if (r.length > 1) parts.push(`R = ${span(r)} pages`);
  const slots = list(config.slots);
  if (slots.length > 0) parts.push(`${span(slots)} slots`);
  const cpus = list(config.cpus);
  const possible = list(config.possibleCpus);
  if (cpus.length > 0) {
    const p =
      possible.length > 0 && (possible.length !== cpus.length || possible.some((x, i) => x !== cpus[i]))
        ? ` (${span(possible)} possible)`
        : '';
    parts.push(`${span(cpus)} CPU${cpus.length === 1 && cpus[0] === 1 ? '' : 's'}${p}`);
  } else if (possible.length > 0) {
    parts.push(`${span(possible)} possible CPUs`);
  }
  const levels = list(config.pagingLevels);
  if (levels.length > 0) parts.push(`${span(levels)}-level paging`);
  const workload = list(config.workload);
  if (workload.length > 0) parts.push(`workload ${span(workload)}`);
  const seeds = list(config.seed);
  if (seeds.length > 0) parts.push(`seed${seeds.length > 1 ? 's' : ''} ${span(seeds)}`);
  const tlb = list(config.tlb);
  if (tlb.length > 0) parts.push(`TLB ${span(tlb)}`);
  const cost = list(config.costModel);
  if (cost.length > 0) parts.push(`cost model ${span(cost)}`);
  for (const [k, v] of Object.entries(config)) {
    if (KNOWN.has(k) || v === undefined || v === null) continue;
    const vals = list(v);
    if (vals.length > 0) parts.push(`${k} ${span(vals)}`);
  }
  return parts.join(' · ');
}

/** The caption config of a set of rows: each label column with the distinct values it holds. */
export function captionConfigOf(rows: ReadonlyArray<Row>): CaptionConfig {
  const out: CaptionConfig = {};
  for (const k of CAPTION_KEYS) {
    const vals = [...new Set(rows.map((r) => r[LABEL[k]]).filter((v) => v !== undefined && v !== null))] as Array<
      string | number
    >;
    if (vals.length === 0) continue;
    const sorted = vals.every((v) => typeof v === 'number') ? (vals as number[]).sort((a, b) => a - b) : vals;
    (out as Record<string, unknown>)[k] = sorted.length === 1 ? sorted[0] : sorted;
  }
  return out;
}

/** Split a caption into subtitle lines of at most `width` characters, at " · " boundaries. */
export function captionLines(caption: string, width = 100): string[] {
  const parts = caption.split(' · ');
  const lines: string[] = [];
  let cur = '';
  for (const p of parts) {
    const next = cur === '' ? p : `${cur} · ${p}`;
    if (next.length > width && cur !== '') {
      lines.push(cur);
      cur = p;
    } else {
      cur = next;
    }
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

export function resolveCaption(caption: string | CaptionConfig | undefined, rows: ReadonlyArray<Row>): string {
  if (typeof caption === 'string') return caption;
  return captionFor(caption ?? captionConfigOf(rows));
}
