import type { MermapGeometry } from './paging/geometry.js';
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

export function registerAllocator(info: AllocatorInfo): void {
  registry.set(info.name, info);
}

for (const [kind, table] of [
  ['kernel', KERNEL_VERSIONS],
  ['policy', POLICIES],
] as const) {
  for (const [name, impl] of Object.entries<AllocatorClass>(table)) {
    registerAllocator({
      name,
      kind,
      summary: impl.summary,
      factory: (g, host, o) => new impl(g, host, o),
      possibleCpusLayoutOnly: impl.possibleCpusLayoutOnly === true,
    });
  }
}

export function allocatorInfo(name: string): AllocatorInfo | undefined {
  return registry.get(name);
}

export function allocatorNames(): string[] {
  return [...registry.keys()];
}
