/**
 * The slow path of clear_page_mermap() (facts §6.1), as the driver reports it once per
 * allocation that fell back: per page, local_irq_save(), mermap_get_reserved() (PTE writes under
 * the PTE lock in rfc-v1), zero, mermap_put(), local_irq_restore().
 *
 *   IRQs-off time   per allocation: the pages it zeroed x the zeroing time per page (the
 *                   workload's zeroCyclesPerPage / cpuGhz, the time the workload advances the
 *                   clock by). IRQs come back on between pages, so the longest continuous
 *                   window is one page's zeroing.
 *
 * Its allocations and pages are the summary's fastPathFailures and fallbackPages (one name per
 * metric); this adds what they cost.
 *
 * Fixed-size state (a LogHistogram of whole ns), nothing allocated per allocation.
 */
import { LogHistogram } from './histogram.js';
import type { SlowPathSummary } from './summary.js';

export class SlowPathCollector {
  allocations = 0;
  pages = 0;
  pteWrites = 0;
  lockAcquisitions = 0;
  mapFailures = 0;
  private irqsOffSum = 0;
  private irqsOffMax = 0;
  private windowMax = 0;
  private readonly hist = new LogHistogram();

  /**
   * One allocation's slow path: `pages` single-page rounds (each one IRQ save/restore pair), the
   * PTEs they wrote, the PTE locks they took, the reserved gets that failed, the IRQs-off time in
   * all and the longest continuous IRQs-off window (ns).
   */
  note(
    pages: number,
    pteWrites: number,
    locks: number,
    mapFailures: number,
    irqsOffNs: number,
    windowNs: number,
  ): void {
    this.allocations++;
    this.pages += pages;
    this.pteWrites += pteWrites;
    this.lockAcquisitions += locks;
    this.mapFailures += mapFailures;
    this.irqsOffSum += irqsOffNs;
    // (Math.max, not `if (x > max) max = x`: a new maximum is rare, and the first one after V8
    // compiled the slow path would deoptimize it; issue 19)
    this.irqsOffMax = Math.max(this.irqsOffMax, irqsOffNs);
    this.windowMax = Math.max(this.windowMax, windowNs);
    this.hist.record(Math.round(irqsOffNs));
  }

  summary(): SlowPathSummary {
    const n = this.allocations;
    return {
      pteWrites: this.pteWrites,
      lockAcquisitions: this.lockAcquisitions,
      mapFailures: this.mapFailures,
      irqsOffNs: {
        mean: n > 0 ? this.irqsOffSum / n : 0,
        p99: n > 0 ? Math.min(this.irqsOffMax, this.hist.quantile(0.99)) : 0,
        max: this.irqsOffMax,
      },
      irqsOffWindowMaxNs: this.windowMax,
    };
  }
}

/** SlowPathCollector.note(): what the driver reports of each allocation's slow path. */
export type SlowPathNote = SlowPathCollector['note'];
