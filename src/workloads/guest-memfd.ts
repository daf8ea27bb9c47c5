/**
 * `guest-memfd-populate`: a VM boot populating guestGiB of guest memory as 2^order-page
 * allocations (order 9 by default: 2 MiB), zeroed through the mermap, from `vcpus` vCPU threads
 * of one VMM process (one mm).
 *
 * The sources show no guest_memfd code calling the mermap (facts §6.2, §10); this workload is
 * the scenario the cover letter motivates: guest memory removed from the direct map and zeroed
 * through clear_page_mermap at allocation. With rfc-v1 and R = 512, every 512-page GET is larger
 * than a normal caller's 511-page limit (facts §2.3), so each one fails and the driver maps its
 * 512 pages one by one through the reserved path (facts §6.1).
 *
 *   vCPU v runs on CPU v mod onlineCpus; the vCPUs of one CPU take turns, one allocation each
 *   (a SWITCH right after the PUT). Each CPU loops: GET (ZEROING) ─ zeroing time ─ PUT ─ faultGapUs ─
 *   next GET, taking the next allocation of the guest from a shared counter, until the whole
 *   guest is populated. Guest memory stays allocated: no FREE.
 */
import type { GuestMemfdConfig, RunConfig } from '../config/types.js';
import { startFill, Ev, EvFlag } from './events.js';
import type { EventChunk, EventSource, WorkloadTopology } from './events.js';
import { CpuHeap } from './sched/cpu-heap.js';
import { PhysAllocator } from './sched/phys.js';
import type { GeneratorOptions } from './unmapped-alloc.js';

const MAX_STEP = 3;
/** 4 KiB pages per GiB */
const PAGES_PER_GIB = 262_144;

/** Number of allocations a guest-memfd-populate config makes. */
export function guestAllocations(w: GuestMemfdConfig): number {
  return Math.ceil((w.guestGiB * PAGES_PER_GIB) / 2 ** w.order);
}

export class GuestMemfdSource implements EventSource {
  readonly topology: WorkloadTopology;
  readonly allocations: number;
  private readonly heap: CpuHeap;
  private readonly cpus: number;
  private readonly endTimeNs: number;
  private readonly pages: number;
  private readonly zeroNs: number;
  private readonly gapNs: number;
  private readonly phys = new PhysAllocator();
  private readonly order: number;
  // per CPU: state 0 = initial switch due, 1 = next GET due, 2 = PUT due
  private readonly state: Uint8Array;
  private readonly cur: Int32Array;
  private readonly curAlloc: Float64Array;
  private readonly curPfn: Float64Array;
  private readonly vcpusOn: Int32Array;
  private readonly turn: Int32Array;
  private issued = 0;
  private done = false;

  constructor(config: RunConfig, opts: GeneratorOptions = {}) {
    if (config.workload.kind !== 'guest-memfd-populate')
      throw new TypeError('GuestMemfdSource needs a guest-memfd-populate workload');
    const w = config.workload;
    const online = config.machine.onlineCpus;
    this.cpus = Math.min(online, w.vcpus);
    this.endTimeNs = opts.endTimeNs ?? Infinity;
    this.order = w.order;
    this.pages = 2 ** w.order;
    this.zeroNs = Math.round((this.pages * w.zeroCyclesPerPage) / w.cpuGhz);
    this.gapNs = Math.round(w.faultGapUs * 1000);
    this.allocations = guestAllocations(w);
    const taskMm = new Int32Array(w.vcpus);
    const taskCpu = new Int32Array(w.vcpus);
    for (let v = 0; v < w.vcpus; v++) taskCpu[v] = v % online;
    this.topology = { taskMm, taskCpu, mms: 1 };
    const n = this.cpus;
    this.state = new Uint8Array(n);
    this.cur = new Int32Array(n);
    this.curAlloc = new Float64Array(n);
    this.curPfn = new Float64Array(n);
    this.vcpusOn = new Int32Array(n);
    this.turn = new Int32Array(n);
    for (let v = 0; v < w.vcpus; v++) this.vcpusOn[v % online]++;
    this.heap = new CpuHeap(n);
    for (let c = 0; c < n; c++) {
      this.cur[c] = c;
      this.heap.key[c] = 0;
    }
    this.heap.rebuild();
  }

  fill(chunk: EventChunk): boolean {
    if (!startFill(chunk, this.done, MAX_STEP)) return false;
    const heap = this.heap;
    const limit = chunk.capacity - MAX_STEP;
    while (chunk.length <= limit) {
      const c = heap.top();
      const t = heap.key[c]!;
      if (t > this.endTimeNs || t === Infinity) {
        this.done = true;
        return false;
      }
      const s = this.state[c]!;
      if (s === 0) {
        chunk.push(Ev.SWITCH, t, c, this.cur[c]!, 0, 0, -1, 0);
        this.state[c] = 1;
        heap.replaceTopKey(t);
      } else if (s === 1) {
        if (this.issued >= this.allocations) {
          heap.replaceTopKey(Infinity);
          continue;
        }
        const id = this.issued++;
        const pfn = this.phys.alloc(this.order);
        this.curAlloc[c] = id;
        this.curPfn[c] = pfn;
        chunk.push(Ev.GET, t, c, this.cur[c]!, this.pages, id, pfn, EvFlag.ZEROING);
        this.state[c] = 2;
        heap.replaceTopKey(t + this.zeroNs);
      } else {
        chunk.push(Ev.PUT, t, c, this.cur[c]!, this.pages, this.curAlloc[c]!, this.curPfn[c]!, EvFlag.ZEROING);
        this.state[c] = 1;
        const next = t + this.gapNs;
        // the next vCPU thread of this CPU takes the next turn
        const k = this.vcpusOn[c]!;
        if (k > 1 && this.issued < this.allocations) {
          const turn = (this.turn[c]! + 1) % k;
          this.turn[c] = turn;
          this.cur[c] = c + turn * this.cpus; // vCPU ids on CPU c: c, c + online, c + 2 online, ...
          chunk.push(Ev.SWITCH, t, c, this.cur[c]!, 0, 0, -1, 0);
        }
        heap.replaceTopKey(next);
      }
    }
    return true;
  }
}
