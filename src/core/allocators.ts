import type { AllocatorFactory } from './mermap/allocator.js';
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
}

/** The registry: a variant's name (the one word from a config to here) -> what it is. */
const VARIANT_TABLE = {
  'rfc-v1': {
    kind: 'kernel',
    summary: 'RFC v1 as posted: 4 shared slots, top page kept for reserved callers',
    factory: (g, host, o) => new RfcV1Mermap(g, host, o),
  },
  'rfc-later': {
    kind: 'kernel',
    summary: 'later posting: 3 normal slots + 1 reserve slot, no PTE lock',
    factory: (g, host, o) => new RfcLaterMermap(g, host, o),
  },
  'dev-snapshot': {
    kind: 'kernel',
    summary: 'pre-RFC snapshot: unsigned size > cpu_end - next_addr test (bug 8.6)',
    factory: (g, host, o) => new DevSnapshotMermap(g, host, o),
  },
  'flush-on-put': {
    kind: 'policy',
    summary: 'the ephmap (predecessor): INVLPG per page at every put under 33 pages, else a full flush',
    factory: (g, host, o) => new FlushOnPut(g, host, o),
  },
  'kmap-local': {
    kind: 'policy',
    summary: 'kmap_local_page(): per-CPU LIFO stack of 16 one-page slots, one local INVLPG per unmap',
    factory: (g, host, o) => new KmapLocal(g, host, o),
  },
  'vmap-block': {
    kind: 'policy',
    summary: 'vm_map_ram() per-CPU vmap blocks: dirty until a lazy purge flushes on all CPUs by IPI',
    factory: (g, host, o) => new VmapBlock(g, host, o),
  },
  'mermap-reuse': {
    kind: 'policy',
    summary: 'rfc-later that also reuses the space below the lowest live allocation after a flush',
    factory: (g, host, o) => new MermapReuse(g, host, o),
  },
  'mermap-invpcid': {
    kind: 'policy',
    summary: 'rfc-later flushing with INVPCID single context: globals and other PCIDs survive a wrap',
    factory: (g, host, o) => new MermapInvpcid(g, host, o),
  },
} as const satisfies Record<string, Omit<AllocatorInfo, 'name'>>;

/** A built-in variant: a kernel version of the mermap or an alternative policy. */
export type Variant = keyof typeof VARIANT_TABLE;

/** Every built-in variant's name, kernel versions first, in the registry's order. */
export const VARIANTS = Object.keys(VARIANT_TABLE) as [Variant, ...Variant[]];

/** An alternative policy (src/core/policies), as opposed to a kernel version of the mermap. */
export type PolicyName = { [K in Variant]: (typeof VARIANT_TABLE)[K]['kind'] extends 'policy' ? K : never }[Variant];

/** The alternative policies' names, in the registry's order. */
export const POLICY_NAMES = VARIANTS.filter((v) => VARIANT_TABLE[v].kind === 'policy') as PolicyName[];

const registry = new Map<string, AllocatorInfo>();

export function registerAllocator(info: AllocatorInfo): void {
  registry.set(info.name, info);
}

for (const name of VARIANTS) registerAllocator({ name, ...VARIANT_TABLE[name] });

export function allocatorInfo(name: string): AllocatorInfo | undefined {
  return registry.get(name);
}

export function allocatorNames(): string[] {
  return [...registry.keys()];
}
