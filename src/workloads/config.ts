/**
 * The run config: one typed object per run (machine, mermap, workload, seed, length), loadable
 * from JSON or YAML and buildable in code, validated with zod.
 *
 * Validation reports every problem at once, one line each, naming the dotted field path, the
 * value and what is allowed:
 *
 *   mermap.regionPages: 1 is not allowed: must be a whole number of pages >= 2
 *   machine.onlineCpus: 8 is not allowed: must be <= machine.possibleCpus (4)
 *   workload.path: is missing: must be a non-empty file path
 *   machine.cpus: unknown field: allowed fields are possibleCpus, onlineCpus, onlineCpusCap, pagingLevels, tlb
 *
 * Defaults are filled in, so a parsed RunConfig is complete and can be recorded next to results.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';

// ---------------------------------------------------------------------------------------------
// Vocabularies

export const MERMAP_VARIANTS = [
  'rfc-v1',
  'rfc-later',
  'dev-snapshot',
  'flush-on-put',
  'kmap-local',
  'vmap-block',
  'mermap-reuse',
  'mermap-invpcid',
] as const;
export type MermapVariant = (typeof MERMAP_VARIANTS)[number];

export const TLB_PRESET_NAMES = ['golden-cove', 'haswell', 'zen2', 'tiny'] as const;
export type TlbPreset = (typeof TLB_PRESET_NAMES)[number];

export const WORKLOAD_KINDS = ['unmapped-alloc', 'guest-memfd-populate', 'microbench', 'ops', 'ftrace'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Orders 0..10: unmapped allocations use orders 0..10 (facts §6.1; MAX_PAGE_ORDER = 10 on x86). */
export const MAX_ORDER = 10;
export const ORDER_COUNT = MAX_ORDER + 1;

/**
 * Default order weights for `unmapped-alloc` (orders 0..10, normalised when sampled).
 * ASSUMPTION: no measured order mix for __GFP_UNMAPPED allocations exists (facts §9.1, §10). The
 * table puts ~80 % of allocations at order 0 and decays roughly geometrically, with a tail at
 * orders 9 and 10, the sizes that can never take the fast path with R = 512 (facts §6.1).
 * Mean pages per allocation: about 8.4.
 */
export const DEFAULT_ORDER_WEIGHTS: readonly number[] = Object.freeze([
  0.806, 0.06, 0.04, 0.03, 0.02, 0.015, 0.01, 0.008, 0.006, 0.004, 0.001,
]);

/**
 * ASSUMPTION: cycles to zero one 4 KiB page that is not in cache. No figure in the sources
 * (facts §9.2 lists none); taken as ~10 GB/s single-core store bandwidth, i.e. ~400 ns per page,
 * ~1200 cycles at 3 GHz. A parameter: calibrate it.
 */
export const DEFAULT_ZERO_CYCLES_PER_PAGE = 1200;
/** ASSUMPTION: core clock used to turn cycles into time. */
export const DEFAULT_CPU_GHZ = 3;
/**
 * Time slice: the EEVDF base slice, sysctl_sched_base_slice = 0.75 ms (kernel/sched/fair.c,
 * Linux 6.6+; before scaling by the number of CPUs).
 */
export const DEFAULT_TIME_SLICE_US = 750;
/** x86 NR_CPUS upper bound with CONFIG_MAXSMP (arch/x86/Kconfig). */
export const MAX_CPUS = 8192;
/** tlb_single_page_flush_ceiling (arch/x86/mm/tlb.c; facts §9.2). */
export const DEFAULT_FLUSH_CEILING_PAGES = 33;
/** KM_MAX_IDX without CONFIG_DEBUG_KMAP_LOCAL (kernel-analogues §1b). */
export const DEFAULT_KMAP_SLOTS = 16;
/** MERMAP_CPU_REGION_SIZE = PMD_SIZE = 512 pages in rfc-v1 and later (facts §4.2). */
export const DEFAULT_MERMAP_REGION_PAGES = 512;
/** LDT remap at the start of the mm-local slot (facts §4.1), in pages. */
const LDT_REMAP_PAGES = 512;

/** Slots per CPU per mm when `mermap.slots` is not given (facts §1.2). */
export function defaultSlots(variant: MermapVariant): number {
  // rfc-later: 3 normal slots beside its dedicated reserve slot; the others: 4 shared slots.
  return variant === 'rfc-later' ? 3 : 4;
}

/** lazy_max_pages() = fls(num_online_cpus()) * (32 MiB / PAGE_SIZE) (kernel-analogues §1a). */
export function defaultVmapLazyPages(onlineCpus: number): number {
  return (32 - Math.clz32(onlineCpus)) * 8192;
}

// ---------------------------------------------------------------------------------------------
// Field builders: the same "allowed" text for the type check and every range check, so each
// issue's message is exactly what is allowed.

function intField(allowed: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}
function numField(allowed: string, min: number, opts: { exclusiveMin?: boolean; max?: number } = {}) {
  let s = z.number({ error: allowed });
  s = opts.exclusiveMin ? s.gt(min, { error: allowed }) : s.min(min, { error: allowed });
  if (opts.max !== undefined) s = s.max(opts.max, { error: allowed });
  return s;
}
function probField() {
  return numField('must be a probability in [0, 1]', 0, { max: 1 });
}
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
}
function obj<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: 'must be an object' });
}
const PATH_ALLOWED = 'must be a non-empty file path';
function pathField() {
  return z.string({ error: PATH_ALLOWED }).min(1, { error: PATH_ALLOWED });
}
const ZERO_CYCLES = () => numField('must be a number of cycles > 0', 0, { exclusiveMin: true });
const CPU_GHZ = () => numField('must be a clock in GHz > 0', 0, { exclusiveMin: true });

// ---------------------------------------------------------------------------------------------
// Schemas

const MachineSchema = obj({
  possibleCpus: intField(`must be a whole number of CPUs in 1..${MAX_CPUS}`, 1, MAX_CPUS).default(4),
  onlineCpus: intField(`must be a whole number of CPUs in 1..${MAX_CPUS}`, 1, MAX_CPUS).optional(),
  onlineCpusCap: intField(`must be a whole number of CPUs in 1..${MAX_CPUS}`, 1, MAX_CPUS).optional(),
  pagingLevels: z.union([z.literal(4), z.literal(5)], { error: 'must be 4 or 5' }).default(4),
  tlb: oneOf(TLB_PRESET_NAMES).default('golden-cove'),
});

const MermapSchema = obj({
  variant: oneOf(MERMAP_VARIANTS).default('rfc-v1'),
  regionPages: intField('must be a whole number of pages >= 2', 2).default(DEFAULT_MERMAP_REGION_PAGES),
  slots: intField('must be a whole number of slots >= 1', 1).optional(),
  kmapSlots: intField('must be a whole number of slots >= 1', 1).default(DEFAULT_KMAP_SLOTS),
  vmapBlockPages: intField('must be a whole number of pages >= 1', 1).optional(),
  vmapLazyPages: intField('must be a whole number of pages >= 0', 0).optional(),
  flushCeilingPages: intField('must be a whole number of pages >= 0', 0).default(DEFAULT_FLUSH_CEILING_PAGES),
});

const TlbPressureSchema = obj({
  userPagesPerMm: intField('must be a whole number of pages >= 0', 0).default(256),
  globalPages: intField('must be a whole number of pages >= 0', 0).default(1024),
  touchesPerOp: numField('must be a number of touches >= 0', 0).default(4),
  globalFraction: probField().default(0.25),
});

const ORDERS_ALLOWED = `must be ${ORDER_COUNT} weights, one per order 0..${MAX_ORDER}`;

const UnmappedAllocSchema = obj({
  kind: z.literal('unmapped-alloc'),
  ratePerCpuHz: numField('must be a rate in Hz >= 0', 0).default(20_000),
  arrival: oneOf(['poisson', 'bursty']).default('poisson'),
  burstOnUs: numField('must be a duration in µs > 0', 0, { exclusiveMin: true }).default(1000),
  burstOffUs: numField('must be a duration in µs > 0', 0, { exclusiveMin: true }).default(4000),
  orders: z
    .array(numField('must be a weight >= 0', 0), { error: ORDERS_ALLOWED })
    .length(ORDER_COUNT, { error: ORDERS_ALLOWED })
    .default([...DEFAULT_ORDER_WEIGHTS]),
  zeroCyclesPerPage: ZERO_CYCLES().default(DEFAULT_ZERO_CYCLES_PER_PAGE),
  cpuGhz: CPU_GHZ().default(DEFAULT_CPU_GHZ),
  initMode: oneOf(['init_on_alloc', 'init_on_free']).default('init_on_alloc'),
  pageblockQuirk: z.boolean({ error: 'must be true or false' }).default(true),
  mmsPerCpu: intField('must be a whole number >= 1', 1).default(2),
  threadsPerMm: intField('must be a whole number >= 1', 1).default(4),
  timeSliceUs: numField('must be a duration in µs > 0', 0, { exclusiveMin: true }).default(DEFAULT_TIME_SLICE_US),
  preemptProbability: probField().default(0.5),
  migrateProbability: probField().default(0.01),
  holdAfterZeroUs: numField('must be a duration in µs >= 0', 0).default(1000),
  tlbPressure: TlbPressureSchema.optional(),
});

const GuestMemfdSchema = obj({
  kind: z.literal('guest-memfd-populate'),
  guestGiB: numField('must be a size in GiB > 0', 0, { exclusiveMin: true }).default(1),
  vcpus: intField(`must be a whole number of vCPUs in 1..${MAX_CPUS}`, 1, MAX_CPUS).default(4),
  order: intField(`must be an order in 0..${MAX_ORDER}`, 0, MAX_ORDER).default(9),
  zeroCyclesPerPage: ZERO_CYCLES().default(DEFAULT_ZERO_CYCLES_PER_PAGE),
  cpuGhz: CPU_GHZ().default(DEFAULT_CPU_GHZ),
  faultGapUs: numField('must be a duration in µs >= 0', 0).default(1),
  tlbPressure: TlbPressureSchema.optional(),
});

const PAGES_ALLOWED = 'must be a whole number of pages >= 1';
const SizesSchema = z.discriminatedUnion(
  'dist',
  [
    obj({ dist: z.literal('fixed'), pages: intField(PAGES_ALLOWED, 1).default(1) }),
    obj({ dist: z.literal('uniform'), min: intField(PAGES_ALLOWED, 1), max: intField(PAGES_ALLOWED, 1) }),
    obj({
      dist: z.literal('table'),
      pages: z.array(intField(PAGES_ALLOWED, 1), { error: 'must be a non-empty list of page counts' }).min(1, {
        error: 'must be a non-empty list of page counts',
      }),
      weights: z.array(numField('must be a weight >= 0', 0), { error: 'must be a list of weights >= 0' }),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union' ? 'must be one of "fixed", "uniform", "table"' : 'must be an object with a dist',
  },
);

const MicrobenchSchema = obj({
  kind: z.literal('microbench'),
  mode: oneOf(['tight', 'window']).default('tight'),
  window: intField('must be a whole number >= 1', 1).default(3),
  sizes: SizesSchema.prefault({ dist: 'fixed' }),
  opNs: numField('must be a duration in ns > 0', 0, { exclusiveMin: true }).default(50),
  reservedFraction: probField().default(0),
  tlbPressure: TlbPressureSchema.optional(),
});

const OpsSchema = obj({
  kind: z.literal('ops'),
  path: pathField(),
  opSpacingNs: numField('must be a duration in ns > 0', 0, { exclusiveMin: true }).default(1000),
  tlbPressure: TlbPressureSchema.optional(),
});

const GFP_ALLOWED = 'must be "*", gfp flag names joined by "|", or a mask 0xHEX of at most 32 bits';
const FtraceSchema = obj({
  kind: z.literal('ftrace'),
  path: pathField(),
  format: oneOf(['auto', 'ftrace', 'trace-cmd', 'perf']).default('auto'),
  gfpFilter: z
    .string({ error: GFP_ALLOWED })
    .regex(/^(\*|0x[0-9a-fA-F]{1,8}|[A-Za-z0-9_]+(\|[A-Za-z0-9_]+)*)$/, { error: GFP_ALLOWED })
    .default('__GFP_UNMAPPED'),
  unmappedFraction: probField().optional(),
  lenient: z.boolean({ error: 'must be true or false' }).default(false),
  initMode: oneOf(['init_on_alloc', 'init_on_free', 'gfp_zero']).default('init_on_alloc'),
  zeroCyclesPerPage: ZERO_CYCLES().default(DEFAULT_ZERO_CYCLES_PER_PAGE),
  cpuGhz: CPU_GHZ().default(DEFAULT_CPU_GHZ),
  tlbPressure: TlbPressureSchema.optional(),
});

const KIND_ALLOWED = `must be one of ${WORKLOAD_KINDS.map((k) => JSON.stringify(k)).join(', ')}`;
const WorkloadSchema = z.discriminatedUnion(
  'kind',
  [UnmappedAllocSchema, GuestMemfdSchema, MicrobenchSchema, OpsSchema, FtraceSchema],
  { error: (iss) => (iss.code === 'invalid_union' ? KIND_ALLOWED : 'must be an object with a kind') },
);

const SEED_ALLOWED = 'must be a whole number >= 0 or a non-empty string';
const RunConfigSchema = obj({
  name: z.string({ error: 'must be a string' }).optional(),
  machine: MachineSchema.prefault({}),
  mermap: MermapSchema.prefault({}),
  workload: WorkloadSchema.prefault({ kind: 'unmapped-alloc' }),
  faults: obj({
    pteWriteFailProbability: probField().default(0),
    slowPathGlobalProt: z.boolean({ error: 'must be true or false' }).default(false),
  }).prefault({}),
  cost: obj({
    preset: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }),
    overrides: z
      .record(z.string(), z.number({ error: 'must be a finite number' }), {
        error: 'must be an object of numbers',
      })
      .optional(),
  }).optional(),
  seed: z
    .union(
      [
        z
          .number({ error: SEED_ALLOWED })
          .int({ error: SEED_ALLOWED })
          .min(0, { error: SEED_ALLOWED })
          .max(Number.MAX_SAFE_INTEGER, { error: SEED_ALLOWED }),
        z.string({ error: SEED_ALLOWED }).min(1, { error: SEED_ALLOWED }),
      ],
      { error: SEED_ALLOWED },
    )
    .default(1),
  length: obj({
    events: intField('must be a whole number of events >= 1', 1).optional(),
    seconds: numField('must be a number of seconds > 0', 0, { exclusiveMin: true }).optional(),
  }).prefault({ events: 1_000_000 }),
});

// ---------------------------------------------------------------------------------------------
// Types (the parsed, complete config)

export interface MachineSection {
  /** CPUs the kernel sizes per-CPU state for (NR_CPUS in the layout), 1..8192. Default 4. */
  possibleCpus: number;
  /**
   * Online CPUs when onlineCpus is not given: min(possibleCpus, onlineCpusCap). Each CPU's
   * region is independent, so a sweep over possible CPUs can keep the simulated traffic to a
   * few CPUs while page tables and VA are laid out for all of them.
   */
  onlineCpusCap?: number;
  /** CPUs that run (0..onlineCpus-1); events only name these. Default: possibleCpus (capped by onlineCpusCap). */
  onlineCpus: number;
  /** x86-64 paging levels. Default 4. */
  pagingLevels: 4 | 5;
  /** TLB geometry preset for the core. Default 'golden-cove'. */
  tlb: TlbPreset;
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
   * the possible CPUs, halved until 4 blocks fit in the region (src/core/policies/vmap-block.ts).
   */
  vmapBlockPages?: number;
  /** vmap-block: lazily freed pages before a purge. Default lazy_max_pages(onlineCpus). */
  vmapLazyPages: number;
  /** Range flushes above this many pages become full flushes. Default 33. */
  flushCeilingPages: number;
}

/** Data accesses mixed in between mermap operations, so a full flush's refill misses show. */
export interface TlbPressureConfig {
  /** Working set of user pages per mm (same vpns in every mm, different translations). Default 256. */
  userPagesPerMm: number;
  /** Kernel global pages (direct map) shared by all. Default 1024. */
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
  /** Cycles to zero one page. Default 1200 (ASSUMPTION). */
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
  cost?: { preset: string; overrides?: Record<string, number> | undefined } | undefined;
  /** Seed of every random stream. Default 1. */
  seed: number | string;
  /** Stop after this many events or simulated seconds, whichever comes first. Default 1e6 events. */
  length: { events?: number | undefined; seconds?: number | undefined };
}

/** What code may pass to parseRunConfig: every defaulted field optional. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;

// Compile-time check that the schema's output, once completed, is a RunConfig.
type Completed = Omit<z.output<typeof RunConfigSchema>, 'machine' | 'mermap'> & {
  machine: z.output<typeof MachineSchema> & { onlineCpus: number };
  mermap: z.output<typeof MermapSchema> & { slots: number; vmapLazyPages: number };
};
const schemaMatchesType = (c: Completed): RunConfig => c;
void schemaMatchesType;

// ---------------------------------------------------------------------------------------------
// Errors

export class ConfigError extends Error {
  /** CLI exit status for bad input. */
  readonly exitCode = 2;
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`${source}: invalid config:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function formatValue(v: unknown): string {
  let s: string;
  if (typeof v === 'number') s = String(v);
  else if (v === undefined) s = 'undefined';
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function dotted(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(config)';
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): { present: boolean; value: unknown } {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, p)) {
      return { present: false, value: undefined };
    }
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return { present: cur !== undefined, value: cur };
}

/** Fields allowed in the object at a path, for "unknown field" messages. */
function allowedFields(input: unknown, path: ReadonlyArray<PropertyKey>): string[] {
  const key = path.join('.');
  const kind = valueAt(input, ['workload', 'kind']).value;
  const workload: Record<string, { shape: object }> = {
    'unmapped-alloc': UnmappedAllocSchema,
    'guest-memfd-populate': GuestMemfdSchema,
    microbench: MicrobenchSchema,
    ops: OpsSchema,
    ftrace: FtraceSchema,
  };
  const dist = valueAt(input, ['workload', 'sizes', 'dist']).value;
  const sizes: Record<string, string[]> = {
    fixed: ['dist', 'pages'],
    uniform: ['dist', 'min', 'max'],
    table: ['dist', 'pages', 'weights'],
  };
  switch (key) {
    case '':
      return Object.keys(RunConfigSchema.shape);
    case 'machine':
      return Object.keys(MachineSchema.shape);
    case 'mermap':
      return Object.keys(MermapSchema.shape);
    case 'workload':
      return typeof kind === 'string' && workload[kind] ? Object.keys(workload[kind].shape) : [];
    case 'workload.tlbPressure':
      return Object.keys(TlbPressureSchema.shape);
    case 'workload.sizes':
      return typeof dist === 'string' && sizes[dist] ? sizes[dist] : [];
    case 'faults':
      return ['pteWriteFailProbability', 'slowPathGlobalProt'];
    case 'cost':
      return ['preset', 'overrides'];
    case 'length':
      return ['events', 'seconds'];
    default:
      return [];
  }
}

function issueLines(input: unknown, issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedFields(input, issue.path);
    return issue.keys.map(
      (k) => `${dotted([...issue.path, k])}: unknown field: allowed fields are ${allowed.join(', ')}`,
    );
  }
  const { present, value } = valueAt(input, issue.path);
  const where = dotted(issue.path);
  if (!present && issue.path.length > 0) return [`${where}: is missing: ${issue.message}`];
  return [`${where}: ${formatValue(value)} is not allowed: ${issue.message}`];
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Rules that tie fields together; each runs only when the fields it reads are individually valid. */
function crossFieldIssues(input: unknown): string[] {
  const out: string[] = [];
  const get = (...p: string[]) => valueAt(input, p).value;
  const possibleRaw = get('machine', 'possibleCpus');
  const possible = possibleRaw === undefined ? 4 : possibleRaw;
  const online = get('machine', 'onlineCpus');
  if (isInt(possible) && possible >= 1 && possible <= MAX_CPUS && isInt(online) && online >= 1 && online > possible) {
    out.push(`machine.onlineCpus: ${online} is not allowed: must be <= machine.possibleCpus (${possible})`);
  }
  const regionRaw = get('mermap', 'regionPages');
  const region = regionRaw === undefined ? DEFAULT_MERMAP_REGION_PAGES : regionRaw;
  const levelsRaw = get('machine', 'pagingLevels');
  const levels = levelsRaw === undefined ? 4 : levelsRaw;
  if (
    isInt(possible) &&
    possible >= 1 &&
    possible <= MAX_CPUS &&
    isInt(region) &&
    region >= 2 &&
    (levels === 4 || levels === 5)
  ) {
    // The mermap must fit in the mm-local PGD slot after the LDT remap (facts §4.1, §4.2).
    const slotPages = 2 ** (levels === 5 ? 36 : 27);
    if (LDT_REMAP_PAGES + possible * region > slotPages) {
      const most = Math.floor((slotPages - LDT_REMAP_PAGES) / possible);
      out.push(
        `mermap.regionPages: ${region} is not allowed: ${possible} CPUs x ${region} pages do not fit in the ` +
          `mm-local PGD slot with ${levels}-level paging (at most ${most} pages per CPU)`,
      );
    }
  }
  const block = get('mermap', 'vmapBlockPages');
  if (isInt(block) && block >= 1 && isInt(region) && region >= 2 && block > region) {
    out.push(
      `mermap.vmapBlockPages: ${block} is not allowed: a block must fit in the region (at most mermap.regionPages = ${region})`,
    );
  }
  const kind = get('workload', 'kind');
  if (kind === 'unmapped-alloc') {
    const orders = get('workload', 'orders');
    if (Array.isArray(orders) && orders.length === ORDER_COUNT && orders.every((w) => isNum(w) && w >= 0)) {
      if (!(orders as number[]).some((w) => w > 0)) {
        out.push(`workload.orders: ${formatValue(orders)} is not allowed: must have a positive sum`);
      }
    }
  }
  if (kind === 'microbench') {
    const sizes = get('workload', 'sizes') as Record<string, unknown> | undefined;
    if (sizes && typeof sizes === 'object') {
      if (sizes.dist === 'uniform' && isInt(sizes.min) && isInt(sizes.max) && sizes.min >= 1 && sizes.max < sizes.min) {
        out.push(`workload.sizes.max: ${sizes.max} is not allowed: must be >= workload.sizes.min (${sizes.min})`);
      }
      if (sizes.dist === 'table' && Array.isArray(sizes.pages) && Array.isArray(sizes.weights)) {
        if (sizes.pages.length !== sizes.weights.length) {
          out.push(
            `workload.sizes.weights: ${formatValue(sizes.weights)} is not allowed: must have one weight per entry of ` +
              `workload.sizes.pages (${sizes.pages.length})`,
          );
        } else if (sizes.weights.every((w) => isNum(w) && w >= 0) && !sizes.weights.some((w) => (w as number) > 0)) {
          out.push(`workload.sizes.weights: ${formatValue(sizes.weights)} is not allowed: must have a positive sum`);
        }
      }
    }
  }
  const tp = get('workload', 'tlbPressure') as Record<string, unknown> | undefined;
  if (tp && typeof tp === 'object') {
    const touches = tp.touchesPerOp === undefined ? 4 : tp.touchesPerOp;
    const gf = tp.globalFraction === undefined ? 0.25 : tp.globalFraction;
    const user = tp.userPagesPerMm === undefined ? 256 : tp.userPagesPerMm;
    const glob = tp.globalPages === undefined ? 1024 : tp.globalPages;
    if (isNum(touches) && touches > 0 && isNum(gf) && gf >= 0 && gf <= 1) {
      if (gf < 1 && user === 0) {
        out.push('workload.tlbPressure.userPagesPerMm: 0 is not allowed: must be >= 1 while globalFraction < 1');
      }
      if (gf > 0 && glob === 0) {
        out.push('workload.tlbPressure.globalPages: 0 is not allowed: must be >= 1 while globalFraction > 0');
      }
    }
  }
  const length = get('length');
  if (length && typeof length === 'object' && !Array.isArray(length)) {
    const l = length as Record<string, unknown>;
    if (l.events === undefined && l.seconds === undefined) {
      out.push(`length: ${formatValue(length)} is not allowed: must give events, seconds or both`);
    }
  }
  return out;
}

/**
 * Validate a config object (from a file, a preset or code), fill in the defaults and return the
 * complete RunConfig. Throws a ConfigError listing every problem.
 */
export function parseRunConfig(input: unknown, source = 'config'): RunConfig {
  const result = RunConfigSchema.safeParse(input);
  const issues: string[] = [];
  if (!result.success) for (const issue of result.error.issues) issues.push(...issueLines(input, issue));
  if (input !== null && typeof input === 'object') issues.push(...crossFieldIssues(input));
  if (issues.length > 0 || !result.success) throw new ConfigError(source, issues);
  const c = result.data;
  const onlineCpus = c.machine.onlineCpus ?? Math.min(c.machine.possibleCpus, c.machine.onlineCpusCap ?? MAX_CPUS);
  const config: RunConfig = {
    ...c,
    machine: { ...c.machine, onlineCpus },
    mermap: {
      ...c.mermap,
      slots: c.mermap.slots ?? defaultSlots(c.mermap.variant),
      vmapLazyPages: c.mermap.vmapLazyPages ?? defaultVmapLazyPages(onlineCpus),
    },
  };
  if (config.name === undefined) delete config.name;
  if (config.cost === undefined) delete config.cost;
  return config;
}

/** Same as parseRunConfig, typed for configs written in code. */
export function defineRunConfig(input: RunConfigInput): RunConfig {
  return parseRunConfig(input, 'config');
}

// ---------------------------------------------------------------------------------------------
// Files

function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Where a JSON text first goes wrong (JSON.parse's messages carry no position on Node 20).
 * A small recursive-descent scan of RFC 8259 syntax; returns null if the text is valid.
 */
export function locateJsonError(text: string): { offset: number; message: string } | null {
  let i = 0;
  const n = text.length;
  class Stop {
    constructor(
      readonly offset: number,
      readonly message: string,
    ) {}
  }
  const fail = (msg: string): never => {
    throw new Stop(i, msg);
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = () => (i >= n ? 'end of input' : JSON.stringify(text[i]));
  const str = () => {
    i++; // opening quote
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        i++;
        return;
      }
      if (ch < 0x20) fail('control character in string');
      if (ch === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail('bad escape in string');
      } else i++;
    }
    fail('unterminated string');
  };
  const num = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail(`unexpected ${describe()}`);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${describe()}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected ":", found ${describe()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}", found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]", found ${describe()}`);
      }
    }
    if (c === '"') return str();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    fail(`unexpected ${describe()}`);
  };
  try {
    value();
    ws();
    if (i < n) fail(`unexpected ${describe()} after the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}

/** Parse JSON or YAML text into a plain value; syntax errors become a ConfigError naming file:line:col. */
export function parseConfigText(text: string, file: string, format: 'json' | 'yaml'): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      const where = locateJsonError(text);
      if (where) {
        const { line, col } = lineColAt(text, where.offset);
        throw new ConfigError(file, [`${file}:${line}:${col}: invalid JSON: ${where.message}`]);
      }
      throw new ConfigError(file, [`${file}: invalid JSON: ${(e as Error).message}`]);
    }
  }
  const doc = YAML.parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((err) => {
        const { line, col } = lineColAt(text, err.pos[0]);
        return `${file}:${line}:${col}: invalid YAML: ${err.message}`;
      }),
    );
  }
  return doc.toJS() as unknown;
}

/**
 * Load a run config from a .json, .yaml or .yml file. A relative workload path (ops, ftrace) is
 * taken from the config file's folder.
 */
export function loadRunConfig(path: string): RunConfig {
  const ext = extname(path).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : null;
  if (format === null) {
    throw new ConfigError(path, [`${path}: unsupported config file type "${ext}" (use .json, .yaml or .yml)`]);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(path, [`${path}: cannot read the file (${code})`]);
  }
  const raw = parseConfigText(text, path, format);
  const config = parseRunConfig(raw, path);
  const w = config.workload;
  if ((w.kind === 'ops' || w.kind === 'ftrace') && !isAbsolute(w.path)) {
    w.path = resolve(dirname(path), w.path);
  }
  return config;
}
