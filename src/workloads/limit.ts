/**
 * `length`: cut a stream after a number of events or a span of simulated time, whichever comes
 * first. Works in place on the caller's chunk (no copy): the inner source fills it, the tail past
 * the limit is dropped.
 *
 * Event times are whole nanoseconds in doubles, exact up to 2^53 ns (104 days). A run whose
 * events would go past that (long gaps, slow zeroing, many events) stops with an InputError
 * naming `length` rather than go on with times that are no longer exact.
 */
import { InputError } from '../util/input-error.js';
import { type EventChunk, type EventSource, type WorkloadTopology, Ev } from './events.js';

/** The last exact whole-nanosecond time: 2^53 - 1 ns. */
export const MAX_EXACT_NS = Number.MAX_SAFE_INTEGER;

export interface LengthLimit {
  events?: number | undefined;
  seconds?: number | undefined;
}

export class LengthLimitedSource implements EventSource {
  readonly topology: WorkloadTopology;
  private remaining: number;
  private readonly endNs: number;
  private done = false;

  /**
   * @param exits the inner source emits EXITs (a trace): `events` then counts around them. Off
   *   for the generators, whose chunks are counted by their length alone, with no pass over
   *   their kinds (workload generation is a speed target of its own).
   */
  constructor(
    private readonly inner: EventSource,
    limit: LengthLimit,
    private readonly exits = false,
  ) {
    this.topology = inner.topology;
    this.remaining = limit.events ?? Infinity;
    this.endNs = limit.seconds !== undefined ? limit.seconds * 1e9 : Infinity;
  }

  fill(chunk: EventChunk): boolean {
    chunk.length = 0;
    if (this.done) return false;
    const more = this.inner.fill(chunk);
    let n = chunk.length;
    if (this.endNs !== Infinity && n > 0 && chunk.time[n - 1]! > this.endNs) {
      // times are non-decreasing: find the first event past the end
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (chunk.time[mid]! > this.endNs) hi = mid;
        else lo = mid + 1;
      }
      n = lo;
      this.done = true;
    }
    if (this.remaining !== Infinity) {
      // an EXIT is not an op (events.ts): the count skips it
      let ops = n;
      if (this.exits) for (let i = 0; i < n; i++) if (chunk.kind[i] === Ev.EXIT) ops--;
      if (ops >= this.remaining) {
        let k = 0;
        for (let left = this.remaining; left > 0; k++) if (!this.exits || chunk.kind[k] !== Ev.EXIT) left--;
        n = k;
        ops = this.remaining;
        this.done = true;
      }
      this.remaining -= ops;
    }
    if (n > 0 && chunk.time[n - 1]! > MAX_EXACT_NS) {
      throw new InputError(
        `length: the run's simulated time passed 2^53 ns (104 days), where whole nanoseconds stop being exact; ` +
          "set length.events or length.seconds lower, or shorten the workload's durations",
        { field: 'length' },
      );
    }
    chunk.length = n;
    if (!more) this.done = true;
    return !this.done;
  }
}
