/**
 * Embedded presets: complete RunConfigs by name, for the CLI (`--preset`), sweeps and notebooks.
 */
import { ConfigError } from './errors.js';
import { parseRunConfig } from './parse.js';
import type { RunConfigInput } from './schema.js';
import type { RunConfig } from './types.js';

interface Preset {
  description: string;
  input: RunConfigInput;
}

/** What a preset chooses; every preset runs rfc-v1 from seed 1. */
interface PresetChoice {
  description: string;
  possibleCpus: number;
  workload: RunConfigInput['workload'];
  /** length.events (only a cap for a workload that ends by itself) */
  events: number;
}

function preset(name: string, p: PresetChoice): [string, Preset] {
  return [
    name,
    {
      description: p.description,
      input: {
        name,
        machine: { possibleCpus: p.possibleCpus },
        mermap: { variant: 'rfc-v1' },
        workload: p.workload,
        seed: 1,
        length: { events: p.events },
      },
    },
  ];
}

const PRESETS: Record<string, Preset> = Object.fromEntries([
  preset('default', {
    description:
      'rfc-v1 page allocator zeroing unmapped pages on 4 CPUs (Poisson arrivals, default order mix), with TLB pressure',
    possibleCpus: 4,
    workload: { kind: 'unmapped-alloc', tlbPressure: {} },
    events: 1_000_000,
  }),
  preset('kunit-tight', {
    description: 'the tight 1-page get/put loop of KUnit test_tlb_flushed on 1 CPU',
    possibleCpus: 1,
    workload: { kind: 'microbench', mode: 'tight', sizes: { dist: 'fixed', pages: 1 } },
    events: 100_000,
  }),
  preset('guest-boot', {
    description:
      'a VM boot populating 1 GiB as order-9 allocations from 4 vCPUs: every GET takes the slow path under rfc-v1',
    possibleCpus: 4,
    workload: { kind: 'guest-memfd-populate', guestGiB: 1, vcpus: 4, order: 9 },
    // the workload ends by itself (512 GETs, 512 PUTs, 4 SWITCHes); this is only a cap
    events: 10_000_000,
  }),
  preset('nested-slots', {
    description:
      'six threads of one mm per CPU preempting each other mid-zeroing, so more than 4 slots are wanted at once (facts §8.1)',
    possibleCpus: 4,
    workload: {
      kind: 'unmapped-alloc',
      ratePerCpuHz: 400_000,
      mmsPerCpu: 1,
      threadsPerMm: 6,
      timeSliceUs: 2,
      preemptProbability: 0.9,
      migrateProbability: 0,
    },
    events: 1_000_000,
  }),
]);

export function listPresets(): Array<{ name: string; description: string }> {
  return Object.entries(PRESETS).map(([name, p]) => ({ name, description: p.description }));
}

/** The complete RunConfig of a preset (a fresh object each call). */
export function presetConfig(name: string): RunConfig {
  const p = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!p) {
    throw new ConfigError('preset', [
      `preset: ${JSON.stringify(name)} is not allowed: must be one of ${Object.keys(PRESETS)
        .map((k) => JSON.stringify(k))
        .join(', ')}`,
    ]);
  }
  return parseRunConfig(structuredClone(p.input), `preset ${name}`);
}
