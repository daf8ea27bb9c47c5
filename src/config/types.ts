/**
 * The parsed, complete run config: what a run, a sweep point's row and run.json hold. Every field
 * is filled in (schema.ts writes the defaults once), so a RunConfig can be recorded next to results.
 */
import type { Variant } from '../core/allocators.js';
import type { CostParamName, CostPresetName } from './cost-names.js';
import type { PageSizeName } from '../core/paging/geometry.js';
import type { TlbPresetName } from '../core/tlb/config.js';

/** A mermap variant: a kernel version or an alternative policy (the allocator registry's names). */
export type MermapVariant = Variant;

/** A TLB geometry preset of the core (src/core/tlb/config.ts). */
export type TlbPreset = TlbPresetName;

export const WORKLOAD_KINDS = ['unmapped-alloc', 'guest-memfd-populate', 'microbench', 'ops', 'ftrace'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface MachineSection {
  /** CPUs the kernel sizes per-CPU state for (NR_CPUS in the layout), 1..8192. Default 4. */
  possibleCpus: number;
  /**
   * Online CPUs when onlineCpus is not given: min(possibleCpus, onlineCpusCap). Each CPU's
   * region is independent, so a sweep over possible CPUs can keep the simulated traffic to a
   * few CPUs while page tables and VA are laid out for all of them.
   */
  onlineCpusCap?: number | undefined;
  /** CPUs that run (0..onlineCpus-1); events only name these. Default: possibleCpus (capped by onlineCpusCap). */
  onlineCpus: number;
  /** x86-64 paging levels. Default 4. */
  pagingLevels: 4 | 5;
  /** TLB geometry preset for the core. Default 'golden-cove'. */
  tlb: TlbPreset;
  /**
   * The direct map's leaf size in the kernel page tables: '4k', '2m' (PMD leaves) or '1g' (PUD
   * leaves). Default DEFAULT_DIRECT_MAP_PAGE_SIZE (src/core/defaults.ts): '1g', as on a machine
   * without unmapped pageblocks.
   */
  directMapPageSize: PageSizeName;
  /** A PREEMPT_RT kernel: the checker reports lock_in_atomic (facts §8.2). Default false. */
  preemptRt?: boolean | undefined;
  /**
   * A shadow TLB per online CPU, never flushed by the mermap: tlb.shadowMisses and
   * tlb.collateralRefills (null when off). Default DEFAULT_SHADOW_TLB (schema.ts).
   */
  shadowTlb: boolean;
}

export interface MermapSection {
  /** Which allocator (kernel version or alternative policy). Default 'rfc-v1'. */
  variant: MermapVariant;
  /** R: pages per CPU region (MERMAP_CPU_REGION_SIZE / 4 KiB), >= 2. Default 512. */
  regionPages: number;
  /**
   * Slots per CPU per mm. rfc-v1, dev-snapshot and the mermap-based policies: slots shared by
   * normal and reserved callers (default 4); rfc-later: normal slots beside the one reserve slot
   * (default 3). Unused by kmap-local and vmap-block.
   */
  slots: number;
  /** kmap-local: fixmap slots per CPU (KM_MAX_IDX). Default 16. */
  kmapSlots: number;
  /**
   * vmap-block: pages per block, at most the region. Default: the kernel's VMAP_BBMAP_BITS for
   * the possible CPUs, halved until 4 blocks fit in the region (src/core/policies/vmap-sizes.ts).
   */
  vmapBlockPages?: number | undefined;
  /** vmap-block: lazily freed pages before a purge. Default lazy_max_pages(onlineCpus). */
  vmapLazyPages: number;
  /** Range flushes above this many pages become full flushes. Default 33. */
  flushCeilingPages: number;
}

/** Data accesses mixed in between mermap operations, so a full flush's refill misses show. */
export interface TlbPressureConfig {
  /** Working set of user pages per mm (same vpns in every mm, different translations). Default 256. */
  userPagesPerMm: number;
  /**
   * Global kernel accesses spread over this many 4 KiB pages of the direct map, shared by all.
   * The TLB caches them as leaves of machine.directMapPageSize: 1024 pages are 1024 entries with
   * '4k', 2 with '2m' and 1 with '1g' (the default). Default 1024.
   */
  globalPages: number;
  /** Mean touches after each mermap operation (get, reserved get, put). Default 4. */
  touchesPerOp: number;
  /** Probability that a touch is to a global kernel page. Default 0.25. */
  globalFraction: number;
}

export interface UnmappedAllocConfig {
  kind: 'unmapped-alloc';
  /** Mean rate of zeroing operations per online CPU, Hz. Default 20000 (ASSUMPTION). */
  ratePerCpuHz: number;
  /** 'poisson', or 'bursty': exponential on/off periods, arrivals only while on. Default 'poisson'. */
  arrival: 'poisson' | 'bursty';
  /** bursty: mean on period, µs. The on-rate is raised so the mean rate stays ratePerCpuHz. */
  burstOnUs: number;
  /** bursty: mean off period, µs. */
  burstOffUs: number;
  /** Weights of orders 0..10 (11 entries, >= 0, positive sum). Default DEFAULT_ORDER_WEIGHTS. */
  orders: number[];
  /** Cycles to zero one page. Default 897 (derived, facts §9.5; src/core/defaults.ts). */
  zeroCyclesPerPage: number;
  /** Clock turning cycles into time. Default 3 (ASSUMPTION). */
  cpuGhz: number;
  /** When pages are zeroed: at allocation (FREE later) or at free (FREE right after). */
  initMode: 'init_on_alloc' | 'init_on_free';
  /**
   * rfc-v1 kernel_init_pages passes the allocation's first page and the remaining count for each
   * pageblock (facts §6.1): order 10 zeroes 1024 + 512 pages. false: one 512-page call per block.
   * Default true.
   */
  pageblockQuirk: boolean;
  /** Processes per CPU (distinct mms, so a switch between them writes CR3). Default 2. */
  mmsPerCpu: number;
  /** Threads per mm (same mm: they share a CPU's mermap slots). Default 4. */
  threadsPerMm: number;
  /** Scheduler tick / time slice, µs. Default 750 (EEVDF base slice). */
  timeSliceUs: number;
  /** Probability that the running task is preempted at a tick (holding a mapping or not). */
  preemptProbability: number;
  /** Probability per tick that a queued task holding no mapping migrates to another CPU. */
  migrateProbability: number;
  /** init_on_alloc: mean time (exponential) a zeroed allocation lives before its FREE, µs. */
  holdAfterZeroUs: number;
  tlbPressure?: TlbPressureConfig | undefined;
}

export interface GuestMemfdConfig {
  kind: 'guest-memfd-populate';
  /** Guest memory populated at boot, GiB. Default 1. */
  guestGiB: number;
  /** vCPU threads of the VMM (one mm); vCPU i runs on CPU i mod onlineCpus. Default 4. */
  vcpus: number;
  /** Allocation order. Default 9 (2 MiB). */
  order: number;
  zeroCyclesPerPage: number;
  cpuGhz: number;
  /** Time between a vCPU's populate steps (fault exit, guest_memfd fault path), µs. Default 1 (ASSUMPTION). */
  faultGapUs: number;
  tlbPressure?: TlbPressureConfig | undefined;
}

export type SizeDistribution =
  | { dist: 'fixed'; pages: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'table'; pages: number[]; weights: number[] };

export interface MicrobenchConfig {
  kind: 'microbench';
  /** 'tight': get, put, get, put ...; 'window': FIFO of `window` live mappings. Default 'tight'. */
  mode: 'tight' | 'window';
  /** window mode: live mappings; the oldest is put before a get when this many are live. Default 3. */
  window: number;
  /** Pages per get. Default fixed 1. */
  sizes: SizeDistribution;
  /** Time between consecutive operations on a CPU, ns. Default 50 (ASSUMPTION). */
  opNs: number;
  /** Probability that a get is a reserved 1-page get instead. Default 0. */
  reservedFraction: number;
  tlbPressure?: TlbPressureConfig | undefined;
}

export interface OpsConfig {
  kind: 'ops';
  /** Op script (JSON lines); relative paths are taken from the config file's folder. */
  path: string;
  /** Time between ops, ns. Default 1000. */
  opSpacingNs: number;
  tlbPressure?: TlbPressureConfig | undefined;
}

export interface FtraceConfig {
  kind: 'ftrace';
  /** A trace as text: tracefs trace or trace_pipe, trace-cmd report, or perf script. */
  path: string;
  /** The text's format; "auto" (default) tells it from the first lines. */
  format: 'auto' | 'ftrace' | 'trace-cmd' | 'perf';
  /** Allocations whose gfp_flags hold all these flags ("A|B", or all bits of "0xMASK") are unmapped; "*": all. Default "__GFP_UNMAPPED". */
  gfpFilter: string;
  /** If set, each allocation passing the filter is unmapped with this probability (seeded). */
  unmappedFraction?: number | undefined;
  /** Skip and count malformed lines instead of failing. Default false. */
  lenient: boolean;
  /** Zeroing at allocation, at free, or only for allocations with __GFP_ZERO. Default init_on_alloc. */
  initMode: 'init_on_alloc' | 'init_on_free' | 'gfp_zero';
  zeroCyclesPerPage: number;
  cpuGhz: number;
  tlbPressure?: TlbPressureConfig | undefined;
}

export type WorkloadConfig = UnmappedAllocConfig | GuestMemfdConfig | MicrobenchConfig | OpsConfig | FtraceConfig;

export interface RunConfig {
  /** Optional label (presets set it). */
  name?: string | undefined;
  machine: MachineSection;
  mermap: MermapSection;
  workload: WorkloadConfig;
  faults: {
    /** Probability that a get's PTE write fails (facts §8.3). Default 0. */
    pteWriteFailProbability: number;
    /**
     * RFC v1's slow path passes PAGE_KERNEL, global bit included on a kernel without PTI, to
     * mermap_get_reserved(), which refuses it (facts §8.8): every fallback map then fails.
     * Default false: the slow path uses the fast path's PAGE_KERNEL_NOGLOBAL.
     */
    slowPathGlobalProt: boolean;
  };
  /** Cost model: a preset name and numeric overrides (the models live in src/analysis). */
  cost?: { preset: CostPresetName; overrides?: Partial<Record<CostParamName, number>> | undefined } | undefined;
  /** Seed of every random stream. Default 1. */
  seed: number | string;
  /** Stop after this many events or simulated seconds, whichever comes first. Default 1e6 events. */
  length: { events?: number | undefined; seconds?: number | undefined };
}
