/**
 * The run config's schema: every field, its allowed values and its default, written once. The
 * cross-field rules (rules.ts) read the values this schema parses; nothing re-defaults elsewhere.
 */
import { z } from 'zod';
import { VARIANTS } from '../core/allocators.js';
import {
  DEFAULT_DIRECT_MAP_PAGE_SIZE,
  DEFAULT_PAGING_LEVELS,
  DEFAULT_REGION_PAGES,
  DEFAULT_TLB_PRESET,
  DEFAULT_VARIANT,
  FLUSH_CEILING_PAGES,
  KM_MAX_IDX,
} from '../core/defaults.js';
import { PAGE_SIZE_NAMES } from '../core/paging/geometry.js';
import { TLB_PRESETS, type TlbPresetName } from '../core/tlb/config.js';
import {
  COST_PARAM_INFO,
  COST_PARAM_NAMES,
  COST_PRESET_NAMES,
  type CostParamName,
  type CostUnit,
} from './cost-names.js';
import { boolField, cpuGhzField, intField, obj, oneOf, probField, realField, sizeField } from './fields.js';
import { LIMITS, REAL_LIMITS, sizeAllowed } from './limits.js';
import type { RunConfig } from './types.js';
import { TlbPressureSchema, WORKLOAD_SCHEMAS, WorkloadSchema } from './workload-schema.js';

/** Every mermap variant a config may name: the allocator registry's names. */
export const MERMAP_VARIANTS = VARIANTS;
/** Every TLB preset a config may name: the core's presets. */
export const TLB_PRESET_NAMES = Object.keys(TLB_PRESETS) as [TlbPresetName, ...TlbPresetName[]];

const COST_PARAM_NAMES_TUPLE = COST_PARAM_NAMES as [CostParamName, ...CostParamName[]];

/**
 * Shadow TLBs (tlb.shadowMisses, tlb.collateralRefills) when a config says nothing: on, since
 * the collateral of a flush is what reviewers ask for. Cost, measured (`run --preset default`,
 * 1M events, 4 CPUs, on the project's shared 2-core build machine, three runs each): wall time
 * 1.6-1.9 s off, 2.6 s on (about +40-60%); results other than the two fields are identical.
 */
export const DEFAULT_SHADOW_TLB = true;

/** Possible CPUs when a config names none. */
export const DEFAULT_POSSIBLE_CPUS = 4;

const CPUS_ALLOWED = `must be ${sizeAllowed(LIMITS.cpus)}`;

export const MachineSchema = obj({
  possibleCpus: intField(CPUS_ALLOWED, LIMITS.cpus.min, LIMITS.cpus.max).default(DEFAULT_POSSIBLE_CPUS),
  onlineCpus: intField(CPUS_ALLOWED, LIMITS.cpus.min, LIMITS.cpus.max).optional(),
  onlineCpusCap: intField(CPUS_ALLOWED, LIMITS.cpus.min, LIMITS.cpus.max).optional(),
  pagingLevels: z.union([z.literal(4), z.literal(5)], { error: 'must be 4 or 5' }).default(DEFAULT_PAGING_LEVELS),
  tlb: oneOf(TLB_PRESET_NAMES).default(DEFAULT_TLB_PRESET),
  directMapPageSize: oneOf(PAGE_SIZE_NAMES).default(DEFAULT_DIRECT_MAP_PAGE_SIZE),
  preemptRt: z.boolean({ error: 'must be true or false' }).optional(),
  shadowTlb: boolField().default(DEFAULT_SHADOW_TLB),
});

export const MermapSchema = obj({
  variant: oneOf(MERMAP_VARIANTS).default(DEFAULT_VARIANT),
  regionPages: sizeField(LIMITS.regionPages).default(DEFAULT_REGION_PAGES),
  slots: sizeField(LIMITS.slots).optional(),
  kmapSlots: sizeField(LIMITS.slots).default(KM_MAX_IDX),
  vmapBlockPages: sizeField({ ...LIMITS.regionRangePages, min: 1 }).optional(),
  vmapLazyPages: sizeField(LIMITS.regionRangePages).optional(),
  flushCeilingPages: sizeField(LIMITS.regionRangePages).default(FLUSH_CEILING_PAGES),
});

export const FaultsSchema = obj({
  pteWriteFailProbability: probField().default(0),
  slowPathGlobalProt: boolField().default(false),
});

/** The values a cost parameter of each unit may take (cost.overrides). */
const COST_UNIT_FIELDS: Record<CostUnit, z.ZodNumber> = {
  cycles: realField('a number of cycles', REAL_LIMITS.costCycles),
  fraction: realField('a fraction', REAL_LIMITS.fraction),
  GHz: cpuGhzField(),
  pages: sizeField(LIMITS.regionRangePages),
};

export const CostSchema = obj({
  preset: oneOf(COST_PRESET_NAMES),
  // A record rather than an object keeps the overrides in the order written. Unknown parameters
  // are unrecognized keys: "unknown field: allowed fields are ..." (issues.ts). Each value is
  // checked against its parameter's unit in one pass, so every bad value is reported at once.
  overrides: z
    .partialRecord(oneOf(COST_PARAM_NAMES_TUPLE), z.unknown(), { error: 'must be an object of numbers' })
    .check((ctx) => {
      for (const [name, value] of Object.entries(ctx.value)) {
        if (!Object.hasOwn(COST_PARAM_INFO, name)) continue; // (an unknown key is its own issue)
        const field = COST_UNIT_FIELDS[COST_PARAM_INFO[name as CostParamName].unit];
        const r = field.safeParse(value);
        if (!r.success)
          ctx.issues.push({ code: 'custom', path: [name], message: r.error.issues[0]!.message, input: value });
      }
    })
    .pipe(z.partialRecord(oneOf(COST_PARAM_NAMES_TUPLE), z.number()))
    .optional(),
});

export const LengthSchema = obj({
  events: sizeField(LIMITS.events).optional(),
  seconds: realField('a number of seconds', REAL_LIMITS.lengthSeconds, { exclusiveMin: true }).optional(),
});

const SEED_ALLOWED = `must be ${sizeAllowed(LIMITS.seed)} or a non-empty string`;
export const RunConfigSchema = obj({
  name: z.string({ error: 'must be a string' }).optional(),
  machine: MachineSchema.prefault({}),
  mermap: MermapSchema.prefault({}),
  workload: WorkloadSchema.prefault({ kind: 'unmapped-alloc' }),
  faults: FaultsSchema.prefault({}),
  cost: CostSchema.optional(),
  seed: z
    .union(
      [
        z
          .number({ error: SEED_ALLOWED })
          .int({ error: SEED_ALLOWED })
          .min(LIMITS.seed.min, { error: SEED_ALLOWED })
          .max(LIMITS.seed.max, { error: SEED_ALLOWED }),
        z.string({ error: SEED_ALLOWED }).min(1, { error: SEED_ALLOWED }),
      ],
      { error: SEED_ALLOWED },
    )
    .default(1),
  length: LengthSchema.prefault({ events: 1_000_000 }),
});

/** What code may pass to parseRunConfig: every defaulted field optional. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;

// Compile-time check that the schema's output, once completed, is a RunConfig.
type Completed = Omit<z.output<typeof RunConfigSchema>, 'machine' | 'mermap'> & {
  machine: z.output<typeof MachineSchema> & { onlineCpus: number };
  mermap: z.output<typeof MermapSchema> & { slots: number; vmapLazyPages: number };
};
const schemaMatchesType = (c: Completed): RunConfig => c;
void schemaMatchesType;

/** Fields allowed in the object at a dotted path, for "unknown field" messages. */
export function allowedFields(path: string, workloadKind: unknown, sizesDist: unknown): string[] {
  const sizes: Record<string, string[]> = {
    fixed: ['dist', 'pages'],
    uniform: ['dist', 'min', 'max'],
    table: ['dist', 'pages', 'weights'],
  };
  const shapeOf = (s: { shape: object }) => Object.keys(s.shape);
  switch (path) {
    case '':
      return shapeOf(RunConfigSchema);
    case 'machine':
      return shapeOf(MachineSchema);
    case 'mermap':
      return shapeOf(MermapSchema);
    case 'workload': {
      const s = typeof workloadKind === 'string' && Object.hasOwn(WORKLOAD_SCHEMAS, workloadKind);
      return s ? shapeOf(WORKLOAD_SCHEMAS[workloadKind as string]!) : [];
    }
    case 'workload.tlbPressure':
      return shapeOf(TlbPressureSchema);
    case 'workload.sizes':
      return typeof sizesDist === 'string' && Object.hasOwn(sizes, sizesDist) ? sizes[sizesDist]! : [];
    case 'faults':
      return shapeOf(FaultsSchema);
    case 'cost':
      return shapeOf(CostSchema);
    case 'cost.overrides':
      return COST_PARAM_NAMES;
    case 'length':
      return shapeOf(LengthSchema);
    default:
      return [];
  }
}
