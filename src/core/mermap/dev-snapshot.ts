import type { MermapGeometry } from '../paging/geometry.js';
import type { AllocatorOptions, FlushHost } from './allocator.js';
import { RfcV1Mermap } from './rfc-v1.js';

/**
 * The pre-RFC development snapshots D1-D4 (bjackman/linux mm/mermap.c), facts sheet §2.2:
 * rfc-v1's allocator without the pgprot check and with the older out-of-space test
 *
 *   if (size > cpu_end - mc->next_addr)        unsigned: wraps when next_addr > cpu_end
 *
 * After a reserved get has taken the region's top page and been put, next_addr is the region
 * end, one page above a normal caller's cpu_end. The subtraction wraps to ~2^64, the test says
 * "room", no flush happens and the next normal get lands at the region end: inside the next
 * CPU's region, or past the end of the mermap for the last CPU (bug §8.6).
 */
export class DevSnapshotMermap extends RfcV1Mermap {
  /** one line for listings: what this allocator is (the registry's summary) */
  static override readonly summary: string = 'pre-RFC snapshot: unsigned size > cpu_end - next_addr test (bug 8.6)';
  override readonly name: string = 'dev-snapshot';
  protected override readonly checksPgprot: boolean = false;
  protected override readonly subtractingSizeCheck: boolean = true;

  constructor(geometry: MermapGeometry, host: FlushHost, opts: AllocatorOptions) {
    super(geometry, host, opts);
  }
}
