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

const registry = new Map<string, AllocatorInfo>();

export function registerAllocator(info: AllocatorInfo): void {
  registry.set(info.name, info);
}

registerAllocator({
  name: 'rfc-v1',
  kind: 'kernel',
  summary: 'RFC v1 as posted: 4 shared slots, top page kept for reserved callers',
  factory: (g, host, o) => new RfcV1Mermap(g, host, o),
});
registerAllocator({
  name: 'rfc-later',
  kind: 'kernel',
  summary: 'later posting: 3 normal slots + 1 reserve slot, no PTE lock',
  factory: (g, host, o) => new RfcLaterMermap(g, host, o),
});
registerAllocator({
  name: 'dev-snapshot',
  kind: 'kernel',
  summary: 'pre-RFC snapshot: unsigned size > cpu_end - next_addr test (bug 8.6)',
  factory: (g, host, o) => new DevSnapshotMermap(g, host, o),
});

registerAllocator({
  name: 'flush-on-put',
  kind: 'policy',
  summary: 'the ephmap (predecessor): INVLPG per page at every put under 33 pages, else a full flush',
  factory: (g, host, o) => new FlushOnPut(g, host, o),
});
registerAllocator({
  name: 'kmap-local',
  kind: 'policy',
  summary: 'kmap_local_page(): per-CPU LIFO stack of 16 one-page slots, one local INVLPG per unmap',
  factory: (g, host, o) => new KmapLocal(g, host, o),
});
registerAllocator({
  name: 'vmap-block',
  kind: 'policy',
  summary: 'vm_map_ram() per-CPU vmap blocks: dirty until a lazy purge flushes on all CPUs by IPI',
  factory: (g, host, o) => new VmapBlock(g, host, o),
});
registerAllocator({
  name: 'mermap-reuse',
  kind: 'policy',
  summary: 'rfc-later that also reuses the space below the lowest live allocation after a flush',
  factory: (g, host, o) => new MermapReuse(g, host, o),
});
registerAllocator({
  name: 'mermap-invpcid',
  kind: 'policy',
  summary: 'rfc-later flushing with INVPCID single context: globals and other PCIDs survive a wrap',
  factory: (g, host, o) => new MermapInvpcid(g, host, o),
});

export function allocatorInfo(name: string): AllocatorInfo | undefined {
  return registry.get(name);
}

export function allocatorNames(): string[] {
  return [...registry.keys()];
}
