import { cpuBaseVpn } from './paging/geometry.js';
import type { MermapAllocator } from './mermap/allocator.js';
import type { Machine, MachineObserver } from './machine.js';
import { Flush } from './tlb/tlb.js';

/**
 * A CPU's region drawn in the notation of the diagram in mm/mermap.c:
 *
 *   A / a   allocated: the first and last page of an allocation upper case, the rest lower case
 *   T / t   TLB-flush-pending: freed, not yet flushed, drawn with the shape it had when live
 *   _       free: usable without a flush
 *
 *   AaaA___________      allocate something
 *   TttTAaaaaaaaA__      free it, allocate something else
 *
 * The tracer follows one (mm, CPU) through machine events; render() draws the state after the
 * latest event. With a reserve page (rfc-v1, rfc-later, dev-snapshot) the top page is drawn
 * after a '|', so the normal callers' part matches the diagram exactly.
 */
export const ST_FREE = 0;
export const ST_LIVE = 1;
export const ST_PENDING = 2;

interface Segment {
  handle: number;
  offset: number;
  pages: number;
  state: number;
  /** pages of a pending segment INVLPG'ed since it was freed */
  invalidated: number;
}

export interface RenderOptions {
  /** characters per line before folding (default: no folding) */
  width?: number;
  /** pages per character; a character shows the "worst" page it covers: A > T > _ (default 1) */
  scale?: number;
  /** draw the region's top page after a '|' (default: true for the mermap versions) */
  reserveSplit?: boolean;
}

export class RegionTracer implements MachineObserver {
  readonly mm: number;
  readonly cpu: number;
  readonly regionPages: number;
  private segments: Segment[] = [];
  private readonly base: number;

  constructor(machine: Machine, mm: number, cpu: number) {
    this.mm = mm;
    this.cpu = cpu;
    this.regionPages = machine.geometry.regionPages;
    this.base = cpuBaseVpn(machine.geometry, cpu);
  }

  onGet(cpu: number, mm: number, _task: number, handle: number, baseVpn: number, pages: number): void {
    if (cpu !== this.cpu || mm !== this.mm) return;
    this.segments.push({ handle, offset: baseVpn - this.base, pages, state: ST_LIVE, invalidated: 0 });
  }

  onPut(cpu: number, mm: number, _task: number, handle: number): void {
    if (cpu !== this.cpu || mm !== this.mm) return;
    for (const s of this.segments) if (s.handle === handle && s.state === ST_LIVE) s.state = ST_PENDING;
  }

  onFlush(cpu: number, kind: number, _pages: number, vpn: number): void {
    if (cpu !== this.cpu) return;
    if (kind === Flush.INVLPG) {
      // an INVLPG retires one page; a pending range is free once all of its pages are
      const off = vpn - this.base;
      for (const s of this.segments) {
        if (s.state === ST_PENDING && off >= s.offset && off < s.offset + s.pages) s.invalidated++;
      }
      this.segments = this.segments.filter((s) => s.state === ST_LIVE || s.invalidated < s.pages);
      return;
    }
    // a full or context flush drops every pending range
    this.segments = this.segments.filter((s) => s.state === ST_LIVE);
  }

  /** Per-page state: 0 free, 1 live, 2 flush-pending (offsets past the region are dropped). */
  pageStates(): Uint8Array {
    const out = new Uint8Array(this.regionPages);
    for (const s of this.segments) {
      for (let i = 0; i < s.pages; i++) {
        const p = s.offset + i;
        if (p >= 0 && p < this.regionPages && out[p] !== ST_LIVE) out[p] = s.state;
      }
    }
    return out;
  }

  render(opts: RenderOptions = {}): string {
    const chars: string[] = new Array(this.regionPages).fill('_');
    // later segments drawn over earlier ones: live allocations over pending space
    const ordered = [...this.segments].sort((a, b) => (a.state === b.state ? 0 : a.state === ST_LIVE ? 1 : -1));
    for (const s of ordered) {
      const up = s.state === ST_LIVE ? 'A' : 'T';
      const low = up.toLowerCase();
      for (let i = 0; i < s.pages; i++) {
        const p = s.offset + i;
        if (p < 0 || p >= this.regionPages) continue;
        chars[p] = i === 0 || i === s.pages - 1 ? up : low;
      }
    }
    return layout(chars, opts);
  }

  /** Allocations that reached past the region end (a wrapped version's bug), as text. */
  outside(): string[] {
    return this.segments
      .filter((s) => s.offset < 0 || s.offset + s.pages > this.regionPages)
      .map(
        (s) =>
          `${s.state === ST_LIVE ? 'live' : 'pending'} allocation at offset ${s.offset}, ${s.pages} pages: outside the ${this.regionPages}-page region`,
      );
  }
}

function rank(c: string): number {
  return c === 'A' || c === 'a' ? 2 : c === 'T' || c === 't' ? 1 : 0;
}

function layout(chars: string[], opts: RenderOptions): string {
  const scale = Math.max(1, Math.floor(opts.scale ?? 1));
  const split = opts.reserveSplit ?? true;
  let body = chars;
  let reserve: string[] = [];
  if (split) {
    body = chars.slice(0, chars.length - 1);
    reserve = chars.slice(chars.length - 1);
  }
  let header = '';
  if (scale > 1) {
    const scaled: string[] = [];
    for (let i = 0; i < body.length; i += scale) {
      let best = '_';
      for (let j = i; j < Math.min(body.length, i + scale); j++) {
        const c = body[j].toUpperCase();
        if (rank(c) > rank(best)) best = c;
      }
      scaled.push(best);
    }
    body = scaled;
    header = `(1 character = ${scale} pages; A: some page allocated, T: some page flush-pending, _: all free)\n`;
  }
  const tail = split ? `|${reserve.join('')}` : '';
  const width = opts.width ?? 0;
  if (width <= 0 || body.length + tail.length <= width) return header + body.join('') + tail;
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += width) {
    const from = i * scale;
    lines.push(`${String(from).padStart(5)}: ${body.slice(i, i + width).join('')}`);
  }
  if (split) lines.push(`${String(chars.length - 1).padStart(5)}: ${tail}`);
  return `${header}(folded at ${width} characters; each line starts with its first page offset)\n${lines.join('\n')}`;
}

/**
 * A CPU's region drawn from the allocator's state alone (no event history, so it costs nothing
 * during a run): live allocations as A/a, the flush-pending span below next_addr as one T/t
 * block per gap between live allocations, free space above next_addr as _.
 */
export function renderAllocatorRegion(alloc: MermapAllocator, cpu: number, opts: RenderOptions = {}): string {
  const R = alloc.regionPages;
  const chars: string[] = new Array(R).fill('_');
  const next = Math.max(0, Math.min(R, alloc.nextOffset(cpu)));
  const live = alloc.liveAllocations(cpu).filter((a) => a.offset < R && a.offset + a.pages > 0);
  const paint = (from: number, to: number, up: string) => {
    for (let p = from; p < to; p++) chars[p] = p === from || p === to - 1 ? up : up.toLowerCase();
  };
  let at = 0;
  for (const a of live) {
    const start = Math.max(0, a.offset);
    const end = Math.min(R, a.offset + a.pages);
    if (start > at && at < next) paint(at, Math.min(start, next), 'T');
    paint(start, end, 'A');
    at = Math.max(at, end);
  }
  if (at < next) paint(at, next, 'T');
  return layout(chars, opts);
}
