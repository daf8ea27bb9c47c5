import { CalendarWheel } from './calendar-wheel.js';
import { modPow2 } from '../../core/util/mod-pow2.js';

/** the most entries a wheel starts with (2^20, 20 MiB of arrays); beyond it, it grows */
const MAX_START_CAPACITY = 1 << 20;

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
  private packed: Float64Array;
  private freeList = -1;
  private used = 0;

  /**
   * @param freesPerSecond expected FREE rate of the whole stream
   * @param meanHoldNs mean hold time
   */
  constructor(freesPerSecond: number, meanHoldNs: number) {
    const width = freesPerSecond > 0 ? Math.max(1, Math.floor(2e9 / freesPerSecond)) : 1024;
    // Room for twice the mean number pending (rate x hold, Little's law) and some: a queue that
    // has to grow replaces the wheel's arrays, and V8 then throws away the optimized code of
    // every function that read them (the generator's fill() among them) and compiles it again.
    // The default sweep's points hold about 320 on average (16 CPUs x 20 kHz x 1 ms).
    const mean = (freesPerSecond * meanHoldNs) / 1e9;
    let capacity = 256;
    while (capacity < 2 * mean + 64 && capacity < MAX_START_CAPACITY) capacity *= 2;
    this.packed = new Float64Array(capacity);
    this.wheel = new CalendarWheel(width, Math.ceil((4 * Math.max(meanHoldNs, 1)) / width) + 16, capacity);
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
