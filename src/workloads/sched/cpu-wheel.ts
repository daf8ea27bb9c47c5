import { CalendarWheel } from './calendar-wheel.js';

/**
 * The CPUs of a generator ordered by the time of their next event, for many CPUs: the calendar
 * wheel with the CPU ids as its entries (CPUs with key Infinity are in no bucket). O(1) on
 * average per step, where the 4-ary CpuHeap pays ~log4(n) levels of unpredictable branches
 * (5 at 1024 CPUs).
 *
 * Same interface as CpuHeap for the generator's loop: top(), key[], replaceTopKey().
 */
export class CpuWheel {
  readonly n: number;
  readonly key: Float64Array;
  private readonly wheel: CalendarWheel;
  private topId = -1;

  /**
   * @param n CPUs
   * @param spacingNs expected time between one CPU's consecutive events
   */
  constructor(n: number, spacingNs: number) {
    this.n = n;
    // ~2 CPUs per bucket: n keys spread over about one spacing
    this.wheel = new CalendarWheel(Math.max(1, Math.floor((2 * spacingNs) / n)), 4 * n, n);
    this.key = this.wheel.key.fill(Infinity); // n entries: the wheel never grows
  }

  /** Queue every CPU with the keys written into `key` (in id order for equal keys). */
  rebuild(): void {
    let min = Infinity;
    for (let id = 0; id < this.n; id++) if (this.key[id]! < min) min = this.key[id]!;
    this.wheel.clear(min === Infinity ? 0 : min);
    for (let id = 0; id < this.n; id++) if (this.key[id] !== Infinity) this.wheel.insert(id);
    this.topId = -1;
  }

  /** The CPU with the earliest key (any CPU, with key Infinity, when none is queued). */
  top(): number {
    if (this.topId < 0) this.topId = this.wheel.size === 0 ? 0 : this.wheel.min();
    return this.topId;
  }

  /** Give the top CPU a new key, not earlier than its old one. */
  replaceTopKey(key: number): void {
    const id = this.top();
    if (this.key[id] !== Infinity) this.wheel.removeMin(); // the top is the minimum
    this.key[id] = key;
    if (key !== Infinity) this.wheel.insert(id);
    this.topId = -1;
  }
}
