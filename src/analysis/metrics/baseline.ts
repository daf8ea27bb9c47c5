/**
 * Warm-up baseline: a snapshot of every machine counter the metrics read, taken when the
 * collector is built, and the differences against it. Counters are "counted from construction"
 * (docs/metrics.md): a warm-up before the snapshot does not count.
 *
 * One snapshot holds the TLB counters of each online CPU, the Machine's scalar counters, the
 * failures by reason, the checker's violations by kind, and the allocators' flush requests.
 */
import { VIOLATION_KINDS } from '../../core/violations.js';
import type { Machine } from '../../core/machine.js';
import { Reason, REASON_NAMES } from '../../core/mermap/reasons.js';
import type { MachineSummary } from './summary.js';
import { addTlbCounters, T_FIELDS, T_MISSES, T_SHADOW_MISSES } from './tlb-counters.js';

/** The Machine's scalar counters a summary reports (MachineSummary's fields, in its order). */
export const MACHINE_COUNTERS = [
  'accesses',
  'pageWalks',
  'walkReads',
  'pageFaults',
  'mermapFaults',
  'cr3Writes',
  'cr3Flushes',
  'migrations',
  'migrationsRefused',
  'shootdowns',
  'ipis',
  'remoteInvlpgs',
  'pteWrites',
  'ptesSkipped',
] as const satisfies ReadonlyArray<keyof MachineSummary>;

/** Flushes the allocators of every mm asked for (sum of MermapAllocator.flushes). */
export function allocatorFlushTotal(machine: Machine): number {
  let n = 0;
  for (let mm = 0; mm < machine.mmCount(); mm++) {
    const fl = machine.allocator(mm).flushes;
    for (let c = 0; c < fl.length; c++) n += fl[c];
  }
  return n;
}

export class MachineBaseline {
  readonly machine: Machine;
  /** online CPUs: the TLBs the snapshot covers */
  readonly cpus: number;
  private readonly tlb: Float64Array;
  private readonly counters: Float64Array;
  private readonly failures: Float64Array;
  private readonly violations: Float64Array;
  private readonly allocatorFlushes: number;
  private readonly tlbScratch = new Float64Array(T_FIELDS);

  constructor(machine: Machine, cpus: number) {
    this.machine = machine;
    this.cpus = cpus;
    this.tlb = new Float64Array(cpus * T_FIELDS);
    for (let c = 0; c < cpus; c++) addTlbCounters(machine.tlbs[c], this.tlb, c * T_FIELDS, 1);
    this.counters = new Float64Array(MACHINE_COUNTERS.map((k) => machine[k]));
    this.failures = Float64Array.from(machine.failures);
    this.violations = Float64Array.from(machine.checker.counts);
    this.allocatorFlushes = allocatorFlushTotal(machine);
  }

  /** TLB counters summed over online CPUs, minus the snapshot (into a reused array: no allocation). */
  tlbTotals(): Float64Array {
    const t = this.tlbScratch;
    t.fill(0);
    for (let c = 0; c < this.cpus; c++) addTlbCounters(this.machine.tlbs[c], t, 0, 1);
    for (let c = 0; c < this.cpus; c++) {
      const off = c * T_FIELDS;
      for (let i = 0; i < T_FIELDS; i++) t[i] -= this.tlb[off + i];
    }
    return t;
  }

  /** One CPU's TLB counters minus the snapshot (allocates: rows only). */
  tlbOf(cpu: number): Float64Array {
    const t = new Float64Array(T_FIELDS);
    addTlbCounters(this.machine.tlbs[cpu], t, 0, 1);
    for (let i = 0; i < T_FIELDS; i++) t[i] -= this.tlb[cpu * T_FIELDS + i];
    return t;
  }

  /** Whether the TLBs have shadows (machine.shadowTlb): the shadow figures are null otherwise. */
  get shadowed(): boolean {
    return this.cpus > 0 && this.machine.tlbs[0].shadow !== null;
  }

  /**
   * Misses the mermap's flushes caused since the snapshot: each CPU's misses - shadow misses,
   * never negative (as Tlb.collateralRefills), summed over online CPUs; null without shadows.
   */
  collateralRefills(): number | null {
    if (!this.shadowed) return null;
    let n = 0;
    for (let c = 0; c < this.cpus; c++) {
      const t = this.machine.tlbs[c];
      const off = c * T_FIELDS;
      const misses = t.misses - this.tlb[off + T_MISSES];
      const shadow = (t.shadowMisses ?? 0) - this.tlb[off + T_SHADOW_MISSES];
      n += Math.max(0, misses - shadow);
    }
    return n;
  }

  /** The Machine's scalar counters since the snapshot. */
  machineDelta(): MachineSummary {
    const out = {} as MachineSummary;
    MACHINE_COUNTERS.forEach((k, i) => (out[k] = this.machine[k] - this.counters[i]));
    return out;
  }

  /** Failures since the snapshot by reason name (every reason, 'ok' excluded). */
  failuresByReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let r = 1; r < Reason.COUNT; r++) out[REASON_NAMES[r]] = this.machine.failures[r] - this.failures[r];
    return out;
  }

  /** Checker violations since the snapshot by kind (every kind), and their sum. */
  violationsByKind(): { byKind: Record<string, number>; total: number } {
    const byKind: Record<string, number> = {};
    let total = 0;
    VIOLATION_KINDS.forEach((k, i) => {
      const v = this.machine.checker.counts[i] - this.violations[i];
      byKind[k] = v;
      total += v;
    });
    return { byKind, total };
  }

  /** Their sum alone (no allocation: the time series samples it per row). */
  violationsTotal(): number {
    let viol = 0;
    const counts = this.machine.checker.counts;
    for (let i = 0; i < counts.length; i++) viol += counts[i] - this.violations[i];
    return viol;
  }

  /** Flushes the allocators asked for since the snapshot. */
  allocatorFlushesDelta(): number {
    return allocatorFlushTotal(this.machine) - this.allocatorFlushes;
  }
}
