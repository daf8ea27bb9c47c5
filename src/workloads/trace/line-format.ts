/**
 * The line grammars of the three ways allocations are recorded, as the tools print them:
 *
 *   ftrace      /sys/kernel/tracing/trace or trace_pipe
 *     # entries-in-buffer/entries-written: 21/21   #P:4            header; #P:N = possible CPUs
 *     bash-1977 [000] d.h1. 5678.901240: mm_page_alloc: page=... pfn=0x10a200 order=3 migratetype=0 gfp_flags=GFP_KERNEL
 *     bash-1978 (   1977) [001] .... 5678.9013: mm_page_free: page=... pfn=0x10a200 order=3     with record-tgid
 *     CPU:2 [LOST 17 EVENTS]
 *   trace-cmd   `trace-cmd report`: the same event lines (the flags column optional, the event
 *     name padded: "mm_page_alloc:        page=..."), after a "cpus=4" header and "CPU 3 is empty"
 *   perf        `perf script`: no dash between task and pid, an optional "pid/tid", no flags,
 *     the event as "kmem:mm_page_alloc:", callchain lines indented under an event, blank lines
 *     between events:
 *     bash  2931 [002]    22.498801: kmem:mm_page_alloc: page=0xffffea0004a4b4c0 pfn=0x1292d3 order=0 ...
 *         ffffffff8123abcd __alloc_pages+0x1e5 ([kernel.kallsyms])
 *
 * Event fields are those of include/trace/events/kmem.h: mm_page_alloc "page=%p pfn=0x%lx
 * order=%d migratetype=%d gfp_flags=%s", mm_page_free "page=%p pfn=0x%lx order=%d",
 * mm_page_free_batched "page=%p pfn=0x%lx order=0". pfn may be decimal (older kernels, perf's
 * own printing); gfp_flags may be names ("GFP_KERNEL|__GFP_ZERO"), a number (0x152c4a, as
 * trace-cmd prints without its plugins) or both ("0xcc0(GFP_KERNEL)").
 *
 * The flags column (irqs-off, need-resched, hardirq/softirq, preempt depth[, migrate-disable])
 * gives the context: its third character h, s, H, z or Z means not in task context (hardirq,
 * softirq, hardirq in softirq, NMI), as kernel/trace/trace_output.c prints it.
 */
import { PFN_LIMIT } from '../../core/paging/pte.js';

export const TRACE_FORMATS = ['ftrace', 'trace-cmd', 'perf'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/**
 * What a line is (TraceLine.kind): a header (comments, headers, blank lines, callchain lines),
 * lost events, another event, an allocation, a free, or a line that does not parse.
 */
export const [L_HEADER, L_LOST, L_OTHER, L_ALLOC, L_FREE, L_MALFORMED] = [0, 1, 2, 3, 4, 5] as const;

/** Timestamps at or beyond this cannot be real: 10^9 s is 31 years of uptime. */
export const MAX_TRACE_SECONDS = 1e9;

/** One parsed line; a single instance is refilled for every line (no allocation per line). */
export class TraceLine {
  kind: number = L_HEADER;
  comm = '';
  pid = 0;
  /** the process (TGID column, perf's pid of pid/tid), -1 when the line has none */
  tgid = -1;
  cpu = 0;
  timeNs = 0;
  /** the flags column was present */
  hasFlags = false;
  /** hardirq, softirq or NMI context (flags column) */
  irq = false;
  order = 0;
  /** -1 for a failed allocation */
  pfn = 0;
  /** gfp flag names, null when the line prints only a number */
  gfpNames: string[] | null = null;
  /** gfp flags as a number, NaN when the line prints only names */
  gfpNum = NaN;
  /** L_LOST: how many */
  lost = 0;
  /** header: possible CPUs (#P:N, cpus=N), else -1 */
  headerCpus = -1;
  /** L_MALFORMED: what is wrong */
  error = '';
}

const DASH_RE =
  /^\s*(.+?)-(\d+)\s+(?:\(\s*(\d+|-+)\s*\)\s+)?\[(\d+)\]\s+(?:([.a-zA-Z0-9]{4,5})\s+)?(\d+)(?:\.(\d+))?:\s+(.*)$/;
const PERF_RE = /^\s*(.+?)\s+(\d+)(?:\/(\d+))?\s+\[(\d+)\]\s+(\d+)(?:\.(\d+))?:\s+(?:\d+\s+)?(.*)$/;
const EVENT_RE = /^(?:[A-Za-z0-9_]+:)?([A-Za-z0-9_]+):\s*(.*)$/;
const LOST_RE = /^CPU:\s*(\d+) \[(?:LOST (\d+) EVENTS|(\d+) EVENTS DROPPED)\]$/;
const CALLCHAIN_RE = /^\s+[0-9a-fA-F]+\s/;
const P_RE = /#P:(\d+)/;
const CPUS_RE = /^cpus=(\d+)$/;
const TRACE_CMD_HEADER_RE = /^(CPU \d+ is empty|version = \d+.*|cpus=\d+)$/;
const WORD_RE = /^(?:kmem:)?([A-Za-z0-9_]*)$/;
const EVENT_NAMES = ['mm_page_alloc', 'mm_page_free', 'mm_page_free_batched'];

export const MALFORMED_DASH = 'malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"';
export const MALFORMED_PERF = 'malformed line: expected "COMM PID [CPU] SECONDS.FRACTION: kmem:EVENT: FIELDS"';

/** The format of a trace from its first lines; null if none of them tells. */
export function detectFormat(first: readonly string[]): TraceFormat | null {
  for (const raw of first) {
    const l = raw.trim();
    if (l === '') continue;
    if (CPUS_RE.test(l) || /^CPU \d+ is empty$/.test(l)) return 'trace-cmd';
    if (l.startsWith('#')) return 'ftrace';
    if (DASH_RE.test(raw)) return 'ftrace';
    if (PERF_RE.test(raw)) return 'perf';
  }
  return null;
}

function field(body: string, name: string): string | undefined {
  const at = body.startsWith(`${name}=`) ? 0 : body.indexOf(` ${name}=`);
  if (at < 0) return undefined;
  const start = at === 0 && body.startsWith(`${name}=`) ? name.length + 1 : at + name.length + 2;
  const sp = body.indexOf(' ', start);
  return body.slice(start, sp < 0 ? body.length : sp);
}

/** pfn text -> pfn, -1 for a failed allocation, NaN if not a number */
function parsePfn(s: string): number {
  const lower = s.toLowerCase();
  if (lower === '0xffffffffffffffff' || lower === '18446744073709551615' || lower === '-1') return -1;
  if (/^0x[0-9a-f]{1,13}$/.test(lower)) return parseInt(lower.slice(2), 16);
  if (/^[0-9]{1,15}$/.test(lower)) return parseInt(lower, 10);
  return NaN;
}

function malformed(out: TraceLine, msg: string): number {
  out.kind = L_MALFORMED;
  out.error = msg;
  return L_MALFORMED;
}

/** Parse one line (without its end of line) into `out`; returns out.kind. */
export function parseTraceLine(line: string, format: TraceFormat, out: TraceLine): number {
  out.headerCpus = -1;
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) {
    const p = trimmed.startsWith('#') ? P_RE.exec(trimmed) : null;
    if (p) out.headerCpus = Number(p[1]);
    return (out.kind = L_HEADER);
  }
  if (format === 'trace-cmd' && TRACE_CMD_HEADER_RE.test(trimmed)) {
    const c = CPUS_RE.exec(trimmed);
    if (c) out.headerCpus = Number(c[1]);
    return (out.kind = L_HEADER);
  }
  const lost = LOST_RE.exec(trimmed);
  if (lost) {
    out.lost = Number(lost[2] ?? lost[3]);
    return (out.kind = L_LOST);
  }
  let rest: string;
  let secs: string;
  let frac: string | undefined;
  if (format === 'perf') {
    const m = PERF_RE.exec(line);
    if (!m) return CALLCHAIN_RE.test(line) ? (out.kind = L_HEADER) : malformed(out, MALFORMED_PERF);
    out.comm = m[1]!;
    if (m[3] !== undefined) {
      out.tgid = Number(m[2]);
      out.pid = Number(m[3]);
    } else {
      out.tgid = -1;
      out.pid = Number(m[2]);
    }
    out.cpu = Number(m[4]);
    out.hasFlags = false;
    out.irq = false;
    secs = m[5]!;
    frac = m[6];
    rest = m[7]!;
  } else {
    const m = DASH_RE.exec(line);
    if (!m) return malformed(out, MALFORMED_DASH);
    out.comm = m[1]!;
    out.pid = Number(m[2]);
    out.tgid = m[3] !== undefined && m[3].charCodeAt(0) !== 45 ? Number(m[3]) : -1;
    out.cpu = Number(m[4]);
    const flags = m[5];
    out.hasFlags = flags !== undefined;
    const ctx = flags === undefined ? '.' : flags[2]!;
    out.irq = ctx === 'h' || ctx === 's' || ctx === 'H' || ctx === 'z' || ctx === 'Z';
    secs = m[6]!;
    frac = m[7];
    rest = m[8]!;
  }
  const ev = EVENT_RE.exec(rest);
  if (!ev) {
    // a line cut inside its event name: "... 5678.901234: mm_page_al"
    const w = WORD_RE.exec(rest.trim());
    if (w && w[1]!.length >= 3 && EVENT_NAMES.some((n) => n.startsWith(w[1]!)))
      return malformed(out, `cut line: "${rest.trim()}" is the start of an event name`);
    return (out.kind = L_OTHER); // e.g. a function-tracer line "func <-parent"
  }
  const name = ev[1]!;
  const isAlloc = name === 'mm_page_alloc';
  const isFree = name === 'mm_page_free' || name === 'mm_page_free_batched';
  if (!isAlloc && !isFree) return (out.kind = L_OTHER);
  // seconds.fraction, or a plain integer taken as ns (clock=counter)
  if (frac === undefined) {
    out.timeNs = Number(secs);
    if (out.timeNs >= MAX_TRACE_SECONDS * 1e9)
      return malformed(out, `timestamp ${secs} ns is beyond 10^9 s: not a real time`);
  } else {
    if (Number(secs) >= MAX_TRACE_SECONDS)
      return malformed(out, `timestamp ${secs}.${frac} s is beyond 10^9 s: not a real time`);
    out.timeNs = Number(secs) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
  }
  const body = ev[2]!;
  const pfnText = field(body, 'pfn');
  if (pfnText === undefined) return malformed(out, `${name}: missing pfn=`);
  const pfn = parsePfn(pfnText);
  if (Number.isNaN(pfn)) return malformed(out, `${name}: pfn=${pfnText} is not a page frame number`);
  if (pfn >= PFN_LIMIT)
    return malformed(
      out,
      `${name}: pfn=${pfnText} is beyond x86-64's 52-bit physical addresses (pfn < 0x${PFN_LIMIT.toString(16)})`,
    );
  out.pfn = pfn;
  const orderText = field(body, 'order') ?? (name === 'mm_page_free_batched' ? '0' : undefined);
  if (orderText === undefined) return malformed(out, `${name}: missing order=`);
  if (!/^\d+$/.test(orderText) || Number(orderText) > 10)
    return malformed(out, `${name}: order=${orderText} is not an order in 0..10`);
  out.order = Number(orderText);
  if (isFree) return (out.kind = L_FREE);
  const g = field(body, 'gfp_flags');
  if (g === undefined) return malformed(out, `${name}: missing gfp_flags=`);
  const both = /^(0x[0-9a-fA-F]+)\((.*)\)$/.exec(g);
  if (both) {
    out.gfpNum = parseInt(both[1]!.slice(2), 16);
    out.gfpNames = both[2]!.split('|');
  } else if (/^(0x[0-9a-fA-F]+|\d+)$/.test(g)) {
    out.gfpNum = g.startsWith('0x') ? parseInt(g.slice(2), 16) : Number(g);
    out.gfpNames = null;
  } else {
    out.gfpNum = NaN;
    out.gfpNames = g.split('|');
  }
  return (out.kind = L_ALLOC);
}
