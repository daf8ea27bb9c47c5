/**
 * The first failed gets of a run, each with its region's state at that moment (live,
 * reclaimable, pinned and free pages, and next_addr): what a reader of a failure wants to see.
 * Bounded: after `max` failures only the aggregates (summary.ts, failureStates) go on counting.
 */
import type { Machine } from '../../core/machine.js';
import { reasonName } from '../../core/mermap/reasons.js';
import type { RunSpan } from './state.js';
import type { FailureSample } from './summary.js';

export class FailureSamples {
  /** how many failures keep their region state; the aggregate covers all */
  max = 64;
  private readonly samples: FailureSample[] = [];
  /** regionUsage() fills it: live, reclaimable, pinned, free */
  private readonly usage = new Float64Array(4);

  /** A failed get of `pages` on `cpu` in `mm` for `reason`, at the span's present. */
  take(machine: Machine, span: RunSpan, cpu: number, mm: number, reason: number, pages: number): void {
    if (this.samples.length >= this.max) return;
    const alloc = machine.allocator(mm);
    const u = this.usage;
    alloc.regionUsage(cpu, u);
    this.samples.push({
      op: span.nowOp,
      timeNs: span.nowNs,
      cpu,
      mm,
      reason: reasonName(reason),
      requestPages: pages,
      live: u[0],
      reclaimable: u[1],
      pinned: u[2],
      free: u[3],
      nextOffset: alloc.nextOffset(cpu),
    });
  }

  /** Copies of the samples taken, in order. */
  list(): FailureSample[] {
    return this.samples.map((f) => ({ ...f }));
  }
}
