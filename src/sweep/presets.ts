/**
 * Embedded sweep specs, run with `mermap-lab sweep --preset NAME`. Each is plain spec data,
 * validated like a spec file when it is asked for.
 *
 *   default  the main job: region pages x slots x possible CPUs x variant (6 x 5 x 5 x 2 = 300
 *            combinations), 2 replicates each and up to 6 where the fallback or flush-cost
 *            interval straddles its 1 % target with the mean under it (adaptive.ts). Seeds are
 *            shared across possible-CPU counts (plan.ts), so those runs differ by their page
 *            tables, not by noise. With the adaptive rounds: 694 runs, 106 CPU-seconds
 *            (measured on a busy 2-core machine, against 121 for the same sweep before the
 *            speed work of issue 19 and 8 online CPUs; that one took 60 s on 2 idle cores, so
 *            this one about 55 s, derived from the ratio; the shadow TLB off, as here).
 *   smoke    4 points that finish in seconds: a check that the whole pipeline runs
 */
import { SweepError } from './errors.js';
import { parseSweepSpec, type SweepSpec } from './spec.js';

/**
 * The base run of both presets: the RFC v1 page allocator zeroing __GFP_UNMAPPED pages through
 * the mermap (unmapped-alloc, default order mix), with TLB pressure so a full flush's refills
 * show. Regions are per CPU and independent, so traffic runs on at most 8 online CPUs while page
 * tables and VA are laid out for every possible CPU (machine.onlineCpusCap; README, "Online CPUs
 * in the default sweep", says why 8). The shadow TLB
 * (collateral refills) is off here: it costs about half a run's time again, and neither criterion
 * of the recommendation reads it; `run` keeps it on by default.
 */
const BASE = {
  machine: { possibleCpus: 4, onlineCpusCap: 8, tlb: 'golden-cove', shadowTlb: false },
  mermap: { variant: 'rfc-v1', regionPages: 512 },
  workload: { kind: 'unmapped-alloc', tlbPressure: {} },
  length: { events: 250_000 },
};

export const SWEEP_PRESETS: Readonly<Record<string, unknown>> = {
  default: {
    name: 'default',
    seed: 1,
    replicates: 2,
    targets: { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 },
    adaptive: { maxReplicates: 6, ciWidth: 0.1 },
    sharedSeeds: ['machine.possibleCpus'],
    base: BASE,
    grid: {
      // 64 pages (256 KiB) .. 2048 pages (8 MiB) per CPU
      'mermap.regionPages': [64, 128, 256, 512, 1024, 2048],
      'mermap.slots': [2, 3, 4, 6, 8],
      'machine.possibleCpus': [1, 4, 16, 64, 256],
      'mermap.variant': ['rfc-v1', 'rfc-later'],
    },
  },
  smoke: {
    name: 'smoke',
    seed: 1,
    replicates: 1,
    base: { ...BASE, machine: { possibleCpus: 2, tlb: 'golden-cove' }, length: { events: 20_000 } },
    grid: {
      'mermap.regionPages': [64, 256],
      'mermap.variant': ['rfc-v1', 'rfc-later'],
    },
  },
};

export function presetNames(): string[] {
  return Object.keys(SWEEP_PRESETS);
}

/** The preset's spec, validated; SweepError for an unknown name. */
export function getPreset(name: string): SweepSpec {
  if (!Object.hasOwn(SWEEP_PRESETS, name)) {
    throw new SweepError(`--preset: unknown preset '${name}' (known: ${presetNames().join(', ')})`);
  }
  return parseSweepSpec(structuredClone(SWEEP_PRESETS[name]), `preset '${name}'`);
}
