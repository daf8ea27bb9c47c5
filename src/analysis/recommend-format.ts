/**
 * The recommendation as text: the terminal table (every number as `mean ± half interval (n)`),
 * the regions under every cost preset, and the reasons for within-noise verdicts.
 */
import { sensitivityTable } from './recommend-sensitivity.js';
import { caseName, type Estimate, type RegionVerdict, type Targets } from './recommend-verdict.js';

/** A fraction as percent with `digits` decimals: 0.0099 -> `0.99 %`. */
export function pct(x: number, digits = 2): string {
  return `${(x * 100).toFixed(digits)} %`;
}

/** `0.99 ± 2.16 % (2)`: mean ± half the 95 % interval, in percent, and n (`0.99 % (1)` without one). */
export function formatEstimate(e: Estimate | null, digits = 2, unit = ' %'): string {
  if (e === null) return '-';
  if (e.ci95 === null) return `${(e.mean * 100).toFixed(digits)}${unit} (${e.n})`;
  const half = (e.ci95[1] - e.ci95[0]) / 2;
  return `${(e.mean * 100).toFixed(digits)} ± ${(half * 100).toFixed(digits)}${unit} (${e.n})`;
}

/** 512 -> `2 MiB`, 64 -> `256 KiB` (4 KiB pages). */
export function pagesToText(pages: number): string {
  const kib = pages * 4;
  return kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`;
}

/** Columns padded to their widest cell, two spaces apart, trailing blanks cut. */
export function alignColumns(head: string[], rows: string[][], gap = '  '): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((l) => (l[i] ?? '').length)));
  const fmt = (cols: string[]) =>
    cols
      .map((c, i) => c.padEnd(widths[i]!))
      .join(gap)
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
}

export function targetsLine(t: Targets): string {
  return `fallback rate < ${pct(t.maxFallbackRate)} and flush cost < ${pct(t.maxFlushCostFraction)} of cycles`;
}

/** The cost presets of the rows, in their order. */
export function presetsOf(recs: readonly RegionVerdict[]): string[] {
  return recs.length === 0 ? [] : Object.keys(recs[0]!.byCostModel);
}

/** The terminal table of the main job (stdout of `sweep` and `report`). */
export function formatVerdictTable(recs: readonly RegionVerdict[], targets: Targets): string {
  const presets = presetsOf(recs);
  const head = [
    'possible CPUs',
    'variant',
    'region (pages)',
    'slots',
    'fallback rate',
    'flush cost',
    'verdict',
    `region by cost model (${presets.join(' / ')})`,
  ];
  const rows = recs.map((r) => [
    String(r.cpus),
    r.variant,
    r.regionPages === null ? '-' : `${r.regionPages} (${pagesToText(r.regionPages)})`,
    r.slots === null ? '-' : String(r.slots),
    formatEstimate(r.fallbackRate),
    formatEstimate(r.flushCostFraction),
    r.verdict,
    presets.map((p) => String(r.byCostModel[p] ?? '-')).join(' / '),
  ]);
  const notes = recs.filter((r) => r.verdict !== 'meets').map((r) => `  ${caseName(r)}: ${r.verdict}: ${r.reason}`);
  const workload = sensitivityTable(recs, 'workload');
  return [
    `Smallest region with ${targetsLine(targets)}, judged on the 95 % interval of each grid point (mean ± half interval (n)):`,
    ...alignColumns(head, rows),
    ...(workload.rows.length > 0
      ? ['', 'Region in each workload scenario (runs of their own):', ...alignColumns(workload.columns, workload.rows)]
      : []),
    ...(notes.length > 0 ? ['', 'Not settled:', ...notes] : []),
  ].join('\n');
}
