import type { AllocatorFactory } from './mermap/allocator.js';
import { DevSnapshotMermap } from './mermap/dev-snapshot.js';
import { RfcLaterMermap } from './mermap/rfc-later.js';
import { RfcV1Mermap } from './mermap/rfc-v1.js';

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

export function allocatorInfo(name: string): AllocatorInfo | undefined {
  return registry.get(name);
}

export function allocatorNames(): string[] {
  return [...registry.keys()];
}
