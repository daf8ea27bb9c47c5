/**
 * The workload section's schemas, one per workload kind (the generators in src/workloads read the
 * parsed values; the config layer does not import them). A new workload field goes in its kind's
 * schema here and in its interface in types.ts.
 */
import { z } from 'zod';
import { MAX_CPUS, MAX_ORDER } from '../core/defaults.js';
import {
  DEFAULT_CPU_GHZ,
  DEFAULT_ORDER_WEIGHTS,
  DEFAULT_RATE_PER_CPU_HZ,
  DEFAULT_TIME_SLICE_US,
  DEFAULT_ZERO_CYCLES_PER_PAGE,
  ORDER_COUNT,
} from './defaults.js';
import {
  boolField,
  cpuGhzField,
  durationField,
  intField,
  numField,
  obj,
  oneOf,
  pathField,
  probField,
  realField,
  sizeField,
  zeroCyclesField,
} from './fields.js';
import { LIMITS, REAL_LIMITS } from './limits.js';
import { WORKLOAD_KINDS } from './types.js';

export const TlbPressureSchema = obj({
  userPagesPerMm: sizeField(LIMITS.userPagesPerMm).default(256),
  globalPages: sizeField(LIMITS.globalPages).default(1024),
  touchesPerOp: realField('a number of touches', REAL_LIMITS.touchesPerOp).default(4),
  globalFraction: probField().default(0.25),
});

const ORDERS_ALLOWED = `must be ${ORDER_COUNT} weights, one per order 0..${MAX_ORDER}`;

export const UnmappedAllocSchema = obj({
  kind: z.literal('unmapped-alloc'),
  ratePerCpuHz: realField('a rate in Hz', REAL_LIMITS.ratePerCpuHz).default(DEFAULT_RATE_PER_CPU_HZ),
  arrival: oneOf(['poisson', 'bursty']).default('poisson'),
  burstOnUs: durationField('µs', { exclusiveMin: true }).default(1000),
  burstOffUs: durationField('µs', { exclusiveMin: true }).default(4000),
  orders: z
    .array(numField('must be a weight >= 0', 0), { error: ORDERS_ALLOWED })
    .length(ORDER_COUNT, { error: ORDERS_ALLOWED })
    .default([...DEFAULT_ORDER_WEIGHTS]),
  zeroCyclesPerPage: zeroCyclesField().default(DEFAULT_ZERO_CYCLES_PER_PAGE),
  cpuGhz: cpuGhzField().default(DEFAULT_CPU_GHZ),
  initMode: oneOf(['init_on_alloc', 'init_on_free']).default('init_on_alloc'),
  pageblockQuirk: boolField().default(true),
  mmsPerCpu: sizeField(LIMITS.mmsPerCpu).default(2),
  threadsPerMm: sizeField(LIMITS.threadsPerMm).default(4),
  timeSliceUs: durationField('µs', { exclusiveMin: true }).default(DEFAULT_TIME_SLICE_US),
  preemptProbability: probField().default(0.5),
  migrateProbability: probField().default(0.01),
  holdAfterZeroUs: durationField('µs').default(1000),
  tlbPressure: TlbPressureSchema.optional(),
});

export const GuestMemfdSchema = obj({
  kind: z.literal('guest-memfd-populate'),
  guestGiB: realField('a size in GiB', REAL_LIMITS.guestGiB, { exclusiveMin: true }).default(1),
  vcpus: intField(`must be a whole number of vCPUs in 1..${MAX_CPUS}`, 1, MAX_CPUS).default(4),
  order: intField(`must be an order in 0..${MAX_ORDER}`, 0, MAX_ORDER).default(9),
  zeroCyclesPerPage: zeroCyclesField().default(DEFAULT_ZERO_CYCLES_PER_PAGE),
  cpuGhz: cpuGhzField().default(DEFAULT_CPU_GHZ),
  faultGapUs: durationField('µs').default(1),
  tlbPressure: TlbPressureSchema.optional(),
});

export const SizesSchema = z.discriminatedUnion(
  'dist',
  [
    obj({ dist: z.literal('fixed'), pages: sizeField(LIMITS.pagesPerGet).default(1) }),
    obj({ dist: z.literal('uniform'), min: sizeField(LIMITS.pagesPerGet), max: sizeField(LIMITS.pagesPerGet) }),
    obj({
      dist: z.literal('table'),
      pages: z.array(sizeField(LIMITS.pagesPerGet), { error: 'must be a non-empty list of page counts' }).min(1, {
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

export const MicrobenchSchema = obj({
  kind: z.literal('microbench'),
  mode: oneOf(['tight', 'window']).default('tight'),
  window: sizeField(LIMITS.window).default(3),
  sizes: SizesSchema.prefault({ dist: 'fixed' }),
  opNs: durationField('ns', { exclusiveMin: true }).default(50),
  reservedFraction: probField().default(0),
  tlbPressure: TlbPressureSchema.optional(),
});

export const OpsSchema = obj({
  kind: z.literal('ops'),
  path: pathField(),
  opSpacingNs: durationField('ns', { exclusiveMin: true }).default(1000),
  tlbPressure: TlbPressureSchema.optional(),
});

const GFP_ALLOWED = 'must be "*", gfp flag names joined by "|", or a mask 0xHEX of at most 32 bits';
export const FtraceSchema = obj({
  kind: z.literal('ftrace'),
  path: pathField(),
  format: oneOf(['auto', 'ftrace', 'trace-cmd', 'perf']).default('auto'),
  gfpFilter: z
    .string({ error: GFP_ALLOWED })
    .regex(/^(\*|0x[0-9a-fA-F]{1,8}|[A-Za-z0-9_]+(\|[A-Za-z0-9_]+)*)$/, { error: GFP_ALLOWED })
    .default('__GFP_UNMAPPED'),
  unmappedFraction: probField().optional(),
  lenient: boolField().default(false),
  initMode: oneOf(['init_on_alloc', 'init_on_free', 'gfp_zero']).default('init_on_alloc'),
  zeroCyclesPerPage: zeroCyclesField().default(DEFAULT_ZERO_CYCLES_PER_PAGE),
  cpuGhz: cpuGhzField().default(DEFAULT_CPU_GHZ),
  tlbPressure: TlbPressureSchema.optional(),
});

const KIND_ALLOWED = `must be one of ${WORKLOAD_KINDS.map((k) => JSON.stringify(k)).join(', ')}`;
export const WorkloadSchema = z.discriminatedUnion(
  'kind',
  [UnmappedAllocSchema, GuestMemfdSchema, MicrobenchSchema, OpsSchema, FtraceSchema],
  { error: (iss) => (iss.code === 'invalid_union' ? KIND_ALLOWED : 'must be an object with a kind') },
);

/** The schema of each workload kind, for "unknown field" messages. */
export const WORKLOAD_SCHEMAS: Record<string, { shape: object }> = {
  'unmapped-alloc': UnmappedAllocSchema,
  'guest-memfd-populate': GuestMemfdSchema,
  microbench: MicrobenchSchema,
  ops: OpsSchema,
  ftrace: FtraceSchema,
};
