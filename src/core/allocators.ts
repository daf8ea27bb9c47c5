import type { MermapGeometry } from './paging/geometry.js';
import { Pte } from './paging/pte.js';
import type { AllocatorFactory, AllocatorOptions, FlushHost, MermapAllocator } from './mermap/allocator.js';
import { DevSnapshotMermap } from './mermap/dev-snapshot.js';
import { RfcLaterMermap } from './mermap/rfc-later.js';
import { RfcV1Mermap } from './mermap/rfc-v1.js';
import { FlushOnPut } from './policies/flush-on-put.js';
import { KmapLocal } from './policies/kmap-local.js';
import { MermapInvpcid } from './policies/mermap-invpcid.js';
import { MermapReuse } from './policies/mermap-reuse.js';
import { VmapBlock } from './policies/vmap-block.js';

/**
 * Every allocator the machine can run, by the name used in configs, the CLI and tables:
 * the kernel's versions of the mermap (src/core/mermap) and the alternative policies
 * (src/core/policies), all behind the one MermapAllocator interface.
 */
export interface AllocatorInfo {
  name: string;
  kind: 'kernel' | 'policy';
  summary: string;
  factory: AllocatorFactory;
  /**
   * Possible CPUs beyond the online ones change only this allocator's page-table layout, never
   * what it does on the online CPUs (the class's `possibleCpusLayoutOnly`): a sweep runs one
   * simulation for configs that differ only there (src/run/twins.ts).
   */
  possibleCpusLayoutOnly: boolean;
}

/** An allocator's class: one instance per mm, and its one-line summary. */
interface AllocatorClass {
  new (geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions): MermapAllocator;
  readonly summary: string;
  readonly possibleCpusLayoutOnly?: boolean;
}

/** The registry, part 1: a kernel version's name (the one word from a config to here) -> its class. */
const KERNEL_VERSIONS = {
  'rfc-v1': RfcV1Mermap,
  'rfc-later': RfcLaterMermap,
  'dev-snapshot': DevSnapshotMermap,
} as const satisfies Record<string, AllocatorClass>;

/** The registry, part 2: the alternative policies, by name. */
const POLICIES = {
  'flush-on-put': FlushOnPut,
  'kmap-local': KmapLocal,
  'vmap-block': VmapBlock,
  'mermap-reuse': MermapReuse,
  'mermap-invpcid': MermapInvpcid,
} as const satisfies Record<string, AllocatorClass>;

/** An alternative policy (src/core/policies), as opposed to a kernel version of the mermap. */
export type PolicyName = keyof typeof POLICIES;

/** A built-in variant: a kernel version of the mermap or an alternative policy. */
export type Variant = keyof typeof KERNEL_VERSIONS | PolicyName;

/** The alternative policies' names, in the registry's order. */
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

/** Every built-in variant's name, kernel versions first, in the registry's order. */
export const VARIANTS = [...Object.keys(KERNEL_VERSIONS), ...POLICY_NAMES] as [Variant, ...Variant[]];

const registry = new Map<string, AllocatorInfo>();
/** the registrations above (exerciseRefusal() runs only these: another allocator's get may do anything) */
const builtIn = new WeakSet<AllocatorInfo>();

export function registerAllocator(info: AllocatorInfo): void {
  registry.set(info.name, info);
}

for (const [kind, table] of [
  ['kernel', KERNEL_VERSIONS],
  ['policy', POLICIES],
] as const) {
  for (const [name, impl] of Object.entries<AllocatorClass>(table)) {
    const info: AllocatorInfo = {
      name,
      kind,
      summary: impl.summary,
      factory: (g, host, o) => new impl(g, host, o),
      possibleCpusLayoutOnly: impl.possibleCpusLayoutOnly === true,
    };
    builtIn.add(info);
    registerAllocator(info);
  }
}

export function allocatorInfo(name: string): AllocatorInfo | undefined {
  return registry.get(name);
}

export function allocatorNames(): string[] {
  return [...registry.keys()];
}

/** The variants exerciseRefusal() has run in this process (this thread: each worker its own). */
const exercised = new Set<string>();

/**
 * The first time a built-in variant runs in this process (thread): a refused get, too large for
 * the region, on a throwaway allocator of that variant made as the machine makes its mms' (same
 * geometry, host and options), `rounds` times, returning what the last one returned (null: not
 * run, as already run or not built in; an allocator registered from outside is never called
 * here, as its get() might flush through the machine's host, or count).
 *
 * Why: a refusal is rare, and each version's get() returns it as `-refused`
 * (MermapCpuState.refusal()), an operation V8 compiles only once it has seen it run. A sweep
 * worker's first refusal after its warm-up, inside the event loop that inlines the get, threw
 * drive() and Machine.mermapGet() away and compiled them again (three compiles, about 75 ms of
 * the worker's thread; `node --trace-deopt`, the bench's sweep of real runs, November 2026).
 * V8 allocates a function's feedback only after it has run a while, and a refused get runs
 * little: 64 rounds still left that deoptimization, 128 took it away; 256 leave a margin, for
 * a few microseconds. A worker's start-up and warm-up count 1.3 M instructions more (of 2,765 M)
 * and its four default points as many as before (bench:instructions). Two other forms cost more:
 * the negation worked out on every get (`0 - refusal()`) made a default point's event 0.2 %
 * dearer, and every variant's refusal exercised when this module loads, on a stand-in host,
 * 0.6 % (the shared refusal() then saw every variant's class, and the allocators' host field a
 * second kind of object). The allocator made here is dropped: a refused get changes nothing,
 * and no run's state or results see it.
 */
export function exerciseRefusal(
  name: string,
  geometry: MermapGeometry,
  host: FlushHost,
  opts: AllocatorOptions,
  rounds = 256,
): number | null {
  const info = registry.get(name);
  if (info === undefined || !builtIn.has(info) || exercised.has(name)) return null;
  exercised.add(name);
  return refuseTooLarge(info.factory(geometry, host, opts), rounds);
}

/** `rounds` gets of one page more than the region on CPU 0 of `a`: what the last returned. */
export function refuseTooLarge(a: MermapAllocator, rounds: number): number {
  let got = 0;
  for (let r = 0; r < rounds; r++) got = a.get(0, a.geometry.regionPages + 1, false, Pte.KERNEL_NOGLOBAL, true);
  return got;
}
