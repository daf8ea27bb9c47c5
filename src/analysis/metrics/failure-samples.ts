/**
 * The first failed gets of a run, each with its region's state at that moment (live,
 * reclaimable, pinned and free pages, and next_addr): what a reader of a failure wants to see.
 * Bounded: after `max` failures only the aggregates (summary.ts, failureStates) go on counting.
 *
 * The samples sit in a Float64Array, a row of FIELDS numbers each, and become FailureSample
 * objects only in list(). An object literal per failure, built inside the get's compiled code,
 * changed its fields' representation as the run went on (a time past 2^31 ns, first seen as a
 * small integer), and the change threw away the compiled failure path: one deoptimization in a
 * worker's first three default points (`node --trace-deopt`, "not a Smi"; November 2026).
 */
import type { Machine } from '../../core/machine.js';
import { reasonName } from '../../core/mermap/reasons.js';
import type { RunSpan } from './state.js';
import type { FailureSample } from './summary.js';

/** A sample's row: op, time (ns), CPU, mm, reason, pages asked for, regionUsage()'s four, next offset. */
const FIELDS = 11;
/** Rows made room for at first: the default `max`. */
const START_ROWS = 64;

export class FailureSamples {
  /** how many failures keep their region state; the aggregate covers all */
  max = START_ROWS;
  private count = 0;
  private rows = new Float64Array(START_ROWS * FIELDS);
  /** regionUsage() fills it: live, reclaimable, pinned, free */
  private readonly usage = new Float64Array(4);

  /** A failed get of `pages` on `cpu` in `mm` for `reason`, at the span's present. */
  take(machine: Machine, span: RunSpan, cpu: number, mm: number, reason: number, pages: number): void {
    if (this.count >= this.max) return;
    if ((this.count + 1) * FIELDS > this.rows.length) this.grow();
    const alloc = machine.allocator(mm);
    const u = this.usage;
    alloc.regionUsage(cpu, u);
    const r = this.rows;
    const k = this.count * FIELDS;
    r[k] = span.nowOp;
    r[k + 1] = span.nowNs;
    r[k + 2] = cpu;
    r[k + 3] = mm;
    r[k + 4] = reason;
    r[k + 5] = pages;
    r[k + 6] = u[0];
    r[k + 7] = u[1];
    r[k + 8] = u[2];
    r[k + 9] = u[3];
    r[k + 10] = alloc.nextOffset(cpu);
    this.count++;
  }

  /** The samples taken, in order (new objects at each call). */
  list(): FailureSample[] {
    const r = this.rows;
    return Array.from({ length: this.count }, (_, i) => {
      const k = i * FIELDS;
      return {
        op: r[k]!,
        timeNs: r[k + 1]!,
        cpu: r[k + 2]!,
        mm: r[k + 3]!,
        reason: reasonName(r[k + 4]!),
        requestPages: r[k + 5]!,
        live: r[k + 6]!,
        reclaimable: r[k + 7]!,
        pinned: r[k + 8]!,
        free: r[k + 9]!,
        nextOffset: r[k + 10]!,
      };
    });
  }

  /** Room for twice the rows (a `max` raised above START_ROWS). */
  private grow(): void {
    const rows = new Float64Array(this.rows.length * 2);
    rows.set(this.rows);
    this.rows = rows;
  }
}
