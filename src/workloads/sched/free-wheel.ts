import { CalendarWheel } from './calendar-wheel.js';
import { modPow2 } from '../../core/util/mod-pow2.js';

/**
 * Pending FREE events (pages that stay allocated for an exponential hold after zeroing), ordered
 * by time: the calendar wheel with one entry per pending FREE, entries recycled through a free
 * list. The queue holds rate x hold x CPUs entries (~20,000 at 1024 CPUs); a heap there was the
 * generator's bottleneck.
 *
 * Width is chosen from the expected FREE rate so that a bucket holds ~2 entries, and the wheel
 * spans a few mean holds.
 */
export class FreeWheel {
  /** Filled by pop(). */
  poppedTime = 0;
  poppedPfn = 0;
  poppedOrder = 0;

  private readonly wheel: CalendarWheel;
  /** pfn * 16 + order of each entry */
  private packed = new Float64Array(256);
  private freeList = -1;
  private used = 0;

  /**
   * @param freesPerSecond expected FREE rate of the whole stream
   * @param meanHoldNs mean hold time
   */
  constructor(freesPerSecond: number, meanHoldNs: number) {
    const width = freesPerSecond > 0 ? Math.max(1, Math.floor(2e9 / freesPerSecond)) : 1024;
    this.wheel = new CalendarWheel(width, Math.ceil((4 * Math.max(meanHoldNs, 1)) / width) + 16, 256);
  }

  get size(): number {
    return this.wheel.size;
  }

  minTime(): number {
    if (this.wheel.size === 0) return Infinity;
    return this.wheel.key[this.wheel.min()]!;
  }

  push(time: number, pfn: number, order: number): void {
    const w = this.wheel;
    let e = this.freeList;
    if (e >= 0) this.freeList = w.linked(e);
    else {
      if (this.used === w.key.length) {
        const p = new Float64Array(w.grow());
        p.set(this.packed);
        this.packed = p;
      }
      e = this.used++;
    }
    w.key[e] = time;
    this.packed[e] = pfn * 16 + order; // pfn < 2^40: exact
    w.insert(e);
  }

  /** Remove the earliest entry; the caller has checked size > 0. */
  pop(): void {
    const w = this.wheel;
    const e = w.removeMin();
    const v = this.packed[e]!;
    const order = modPow2(v, 16); // (v is up to 2^44: `%` would be a libm call)
    this.poppedTime = w.key[e]!;
    this.poppedOrder = order;
    this.poppedPfn = (v - order) / 16;
    w.link(e, this.freeList);
    this.freeList = e;
  }
}
