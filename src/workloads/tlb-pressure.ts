/**
 * TLB pressure, mixable into any source: after each mermap operation (GET, RESERVED, PUT) the task
 * touches data pages, so a full flush's collateral damage (refills of entries that had nothing to
 * do with the mermap) shows up in the TLB statistics.
 *
 *   touches per op: floor(touchesPerOp), plus one more with probability frac(touchesPerOp)
 *   each touch:     with globalFraction, a kernel global page of the direct map (global = 1),
 *                   else a user page of the task's mm (global = 0), uniform over the working set
 *
 * User pages use the same vpns in every mm: they are different translations (different CR3 /
 * PCID), which is what a CR3 write or a PCID flush acts on. The touches carry the op's time.
 */
import type { TlbPressureConfig } from '../config/types.js';
import { EventChunk, type EventSource, type WorkloadTopology, Ev } from './events.js';
import { createUniform, type Seed, type Uniform } from './rng.js';
import { DIRECT_MAP_BASE_VPN_4, DIRECT_MAP_BASE_VPN_5, directMapBaseVpn } from '../core/paging/geometry.js';

/** First user vpn: 0x400000 >> 12, the classic x86-64 ELF load address. ASSUMPTION: any low user range works. */
export const USER_BASE_VPN = 0x400;
/** Direct-map start (core/paging/geometry.ts): global touches fall at and above it. */
export { DIRECT_MAP_BASE_VPN_4, DIRECT_MAP_BASE_VPN_5 };

/**
 * Under the default sweep's workload about 3 events in 4 are this layer's touches, and the layer
 * takes about half the time of generating the stream, the unmapped-alloc source the other half
 * (that source alone: 10.6 M of its own events/s; with the touches: 18.7 M events/s). Two
 * rewrites of fill() made the same events no faster (5 M events of a default-sweep point, three runs each,
 * November 2026): 18.4-18.5 M events/s with the draws from a one-stream AleaBank instead of the
 * seedrandom closure, 18.8-19.3 M writing the chunk's arrays directly instead of push(), against
 * 18.0-19.1 M as written. V8 inlines both the closure and push() here.
 */
export class TlbPressureSource implements EventSource {
  readonly topology: WorkloadTopology;
  private readonly buf: EventChunk;
  private cursor = 0;
  private innerMore = true;
  private readonly u: Uniform;
  private readonly whole: number;
  private readonly frac: number;
  private readonly maxBurst: number;
  private readonly globalBase: number;

  constructor(
    private readonly inner: EventSource,
    private readonly cfg: TlbPressureConfig,
    seed: Seed,
    pagingLevels: 4 | 5 = 4,
  ) {
    this.topology = inner.topology;
    this.buf = new EventChunk(2048);
    this.buf.length = 0;
    this.u = createUniform(seed, 'tlb-pressure');
    this.whole = Math.floor(cfg.touchesPerOp);
    this.frac = cfg.touchesPerOp - this.whole;
    this.maxBurst = Math.ceil(cfg.touchesPerOp);
    this.globalBase = directMapBaseVpn(pagingLevels);
  }

  fill(out: EventChunk): boolean {
    out.length = 0;
    if (out.capacity < 1 + this.maxBurst) throw new RangeError(`EventChunk capacity must be >= ${1 + this.maxBurst}`);
    const buf = this.buf;
    const u = this.u;
    const cfg = this.cfg;
    for (;;) {
      if (this.cursor === buf.length) {
        if (!this.innerMore) return false;
        this.innerMore = this.inner.fill(buf);
        this.cursor = 0;
        continue;
      }
      if (out.length + 1 + this.maxBurst > out.capacity) return true;
      const i = this.cursor++;
      const kind = buf.kind[i]!;
      const t = buf.time[i]!;
      const cpu = buf.cpu[i]!;
      const task = buf.task[i]!;
      out.push(kind, t, cpu, task, buf.a[i]!, buf.b[i]!, buf.pfn[i]!, buf.flags[i]!);
      if (kind === Ev.GET || kind === Ev.PUT || kind === Ev.RESERVED) {
        let n = this.whole;
        if (this.frac > 0 && u() < this.frac) n++;
        for (let j = 0; j < n; j++) {
          if (u() < cfg.globalFraction) {
            out.push(Ev.TOUCH, t, cpu, task, this.globalBase + Math.floor(u() * cfg.globalPages), 1, -1, 0);
          } else {
            out.push(Ev.TOUCH, t, cpu, task, USER_BASE_VPN + Math.floor(u() * cfg.userPagesPerMm), 0, -1, 0);
          }
        }
      }
    }
  }
}
