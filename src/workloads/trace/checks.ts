/**
 * Checks around a scan: whether anything was selected (else the run stops, saying what was read
 * and how to choose), and how many CPUs a trace needs before it is scanned.
 */
import { TraceSelectionError } from './classify.js';
import { detectFormat, L_ALLOC, L_FREE, L_OTHER, parseTraceLine, type TraceFormat, TraceLine } from './line-format.js';
import type { LineReader } from './lines.js';
import { DETECT_LINES, type TraceScan } from './scan.js';

/** Stop when nothing was selected, saying what was read and how to choose. */
export function checkSelection(scan: TraceScan): void {
  const s = scan.summary;
  const f = scan.classify.gfpFilter;
  const file = scan.classify.file;
  if (s.allocs === 0) {
    throw new TraceSelectionError(
      `${file}: no mm_page_alloc line among its ${s.lines} lines (read as ${s.format}): record with -e kmem:mm_page_alloc -e kmem:mm_page_free`,
    );
  }
  if (s.selected > 0) return;
  const why = f === '__GFP_UNMAPPED' ? ' (the default; no released kernel has __GFP_UNMAPPED)' : '';
  const sample = scan.classify.sample !== undefined ? ` and --sample ${scan.classify.sample}` : '';
  throw new TraceSelectionError(
    `${file}: ${s.allocs} mm_page_alloc lines read (${s.failedAllocs} failed), none matched --gfp-filter ${f}${why}${sample}: ` +
      `choose them with --gfp-filter 'GFP_KERNEL|__GFP_ZERO' (flag names, all required), --gfp-filter 0xMASK (numeric flags) or --gfp-filter '*' (all), and --sample FRACTION to take a share`,
  );
}

/**
 * The CPUs a trace needs: its header's possible CPUs (#P:N, cpus=N) when it has one before its
 * first event, else its highest CPU column + 1 (a full read, line by line).
 */
export function traceCpuCount(open: () => LineReader, format: TraceFormat | 'auto' = 'auto'): number {
  const r = open();
  const head: string[] = [];
  try {
    let fmt: TraceFormat | null = format === 'auto' ? null : format;
    const l = new TraceLine();
    let max = 0;
    for (let text = r.next(); text !== null; text = r.next()) {
      if (fmt === null) {
        head.push(text);
        if (head.length < DETECT_LINES) continue;
        fmt = detectFormat(head) ?? 'ftrace';
        for (const h of head) {
          const n = cpuOf(h, fmt, l, max);
          if (n < 0) return -n;
          max = n;
        }
        continue;
      }
      const n = cpuOf(text, fmt, l, max);
      if (n < 0) return -n;
      max = n;
    }
    if (fmt === null) {
      fmt = detectFormat(head) ?? 'ftrace';
      for (const h of head) {
        const n = cpuOf(h, fmt, l, max);
        if (n < 0) return -n;
        max = n;
      }
    }
    return Math.max(1, max);
  } finally {
    r.close();
  }
}

/** -N for a header of N CPUs seen before any event, else the running max of CPU + 1 */
function cpuOf(text: string, fmt: TraceFormat, l: TraceLine, max: number): number {
  const kind = parseTraceLine(text, fmt, l);
  if (l.headerCpus > 0 && max === 0) return -l.headerCpus;
  if (kind === L_ALLOC || kind === L_FREE || kind === L_OTHER) return Math.max(max, l.cpu + 1);
  return max;
}
