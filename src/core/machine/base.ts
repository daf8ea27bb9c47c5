import { allocatorInfo, allocatorNames } from '../allocators.js';
import { Checker, MmStamps } from '../checker.js';
import {
  DEFAULT_DIRECT_MAP_PAGE_SIZE,
  DEFAULT_PAGING_LEVELS,
  DEFAULT_REGION_PAGES,
  DEFAULT_TLB_PRESET,
  DEFAULT_VARIANT,
} from '../defaults.js';
import type { AllocatorOptions, FlushHost, MermapAllocator } from '../mermap/allocator.js';
import { cpuBasesOf } from '../mermap/allocator-base.js';
import { REASON_COUNT } from '../mermap/reasons.js';
import { mermapPrepareCostClosedForm } from '../paging/cost.js';
import {
  cpuBaseVpn,
  directMapBaseVpn,
  directMapPages,
  mermapGeometry,
  type MermapGeometry,
  PAGE_SIZE_NAMES,
  PAGE_SIZE_ORDER,
  type PageSizeName,
} from '../paging/geometry.js';
import { PageTable } from '../paging/page-table.js';
import { ptePresent } from '../paging/pte.js';
import { resolveTlbConfig, Tlb, type Clock, type TlbConfig } from '../tlb/index.js';
import {
  combineObservers,
  type MachineConfig,
  type MachineObserver,
  type MmRec,
  TLB_NR_DYN_ASIDS,
  userTopVpn,
} from './config.js';
import { StateMeter, typedArrayBytes } from '../util/state-bytes.js';
import { MermapPteIndex } from './pte-index.js';

/**
 * The Machine's state and bookkeeping: CPUs, TLBs, mms and tasks, counters, observers (see
 * src/core/machine.ts for the whole picture). Translation (CR3, accesses, flushes) is in
 * ./translation.ts, the mermap calls in ../machine.ts.
 */
export abstract class MachineBase {
  readonly geometry: MermapGeometry;
  readonly possibleCpus: number;
  readonly onlineCpus: number;
  /** the allocator registry's name this machine runs */
  readonly variant: string;
  readonly clock: Clock = { op: 0, ns: 0 };
  /**
   * The typed arrays made since the mms were (page-table growth, each region's stamps and PTE
   * index on first use ...): src/run/state-size.ts bounds them while the run goes.
   */
  readonly stateMeter = new StateMeter();
  readonly tlbs: Tlb[];
  readonly tlbConfig: TlbConfig;
  readonly checker: Checker;
  readonly pcidEnabled: boolean;
  /** the direct map's leaf size (MachineConfig.directMapPageSize) */
  readonly directMapPageSize: PageSizeName;
  observer: MachineObserver | null = null;
  protected readonly observers: MachineObserver[] = [];
  /**
   * Fault injection (§8.3): make this get's PTE write fail. true: at the middle page of the range
   * (floor(pages / 2) PTEs written before it); a number k: after k PTEs. false: no failure.
   */
  pteWriteFault: ((task: number, pages: number) => boolean | number) | null = null;

  // --- counters (plain numbers; see docs/metrics.md) ---
  /** mermapGet() calls, reserved ones included */
  gets = 0;
  /** gets that returned a handle */
  getsOk = 0;
  /** gets with use_reserve (mermap_get_reserved()) */
  reservedGets = 0;
  /** mermapPut() calls that freed a slot */
  puts = 0;
  /** [reason] refused gets and puts (src/core/mermap/reasons.ts) */
  readonly failures = new Float64Array(REASON_COUNT);
  /** PTEs written by gets and puts */
  pteWrites = 0;
  /** PTEs apply_to_existing_page_range() skipped because they were pte_none() or had no table */
  ptesSkipped = 0;
  /** CR3 writes (mm switches on a CPU) */
  cr3Writes = 0;
  /** access() calls */
  accesses = 0;
  /** page walks after a miss in every TLB level */
  pageWalks = 0;
  /** table entries those walks read: fewer to a 2 MiB or 1 GiB leaf */
  walkReads = 0;
  /** user pages, kernel pages and direct-map leaves mapped on first access */
  pageFaults = 0;
  /** accesses to a mermap page that is not present */
  mermapFaults = 0;
  /** tasks moved to another CPU */
  migrations = 0;
  /** migrations refused because the task was migrate-disabled */
  migrationsRefused = 0;
  /** flush_tlb_kernel_range() calls (each an IPI round to every other online CPU) */
  shootdowns = 0;
  /** IPIs those shootdowns sent */
  ipis = 0;
  /** INVLPGs the shootdowns ran on the other CPUs */
  remoteInvlpgs = 0;

  readonly currentTask: Int32Array;
  /** the mm holding each dynamic ASID of each online CPU: [cpu * 6 + asid], -1 free */
  protected readonly asidMm: Int32Array;
  /** cpu_tlbstate.next_asid */
  protected readonly nextAsid: Int32Array;
  /** PCID loaded in CR3 on each CPU (ASID + 1 with PCID on; 0 without) */
  protected readonly currentPcidOf: Int32Array;
  /** CR3 writes that had to flush (a reused ASID, or no PCID) */
  cr3Flushes = 0;
  readonly currentMm: Int32Array;
  protected readonly allocOptions: AllocatorOptions;
  protected readonly mms: MmRec[] = [];
  protected readonly kernelPt: PageTable;
  /** what every exited mm points at instead of its freed tables (never mapped into; exitMm()) */
  private exitedTables: { pt: PageTable; pteIdx: MermapPteIndex } | undefined;
  protected readonly userTop: number;
  protected readonly host: FlushHost;
  protected readonly checking: boolean;
  // tasks (a handful; plain arrays of numbers)
  protected readonly taskMm: number[] = [];
  protected readonly taskCpu: number[] = [];
  protected readonly migrateDepth: number[] = [];
  protected readonly liveAllocs: number[] = [];
  protected readonly preemptCount: number[] = [];
  protected readonly irqsOff: number[] = [];
  protected readonly inTask: number[] = [];
  protected nextUserPfn = 2 ** 30;
  /** the direct map, [directMapBase, directMapEnd) in pages, and 4 KiB pages per leaf */
  protected readonly directMapBase: number;
  protected readonly directMapEnd: number;
  protected readonly directMapLeafPages: number;

  constructor(cfg: MachineConfig) {
    const levels = cfg.pagingLevels ?? DEFAULT_PAGING_LEVELS;
    this.possibleCpus = cfg.possibleCpus;
    this.onlineCpus = cfg.onlineCpus ?? cfg.possibleCpus;
    this.geometry = mermapGeometry(levels, cfg.regionPages ?? DEFAULT_REGION_PAGES, cfg.possibleCpus);
    this.variant = cfg.variant ?? DEFAULT_VARIANT;
    if (allocatorInfo(this.variant) === undefined) {
      throw new RangeError(`unknown variant ${this.variant}: one of ${allocatorNames().join(', ')}`);
    }
    this.allocOptions = { ...cfg.allocatorOptions, onlineCpus: this.onlineCpus, meter: this.stateMeter };
    this.tlbConfig = resolveTlbConfig(cfg.tlb ?? DEFAULT_TLB_PRESET);
    this.pcidEnabled = cfg.pcid ?? true;
    this.directMapPageSize = cfg.directMapPageSize ?? DEFAULT_DIRECT_MAP_PAGE_SIZE;
    const leaf = PAGE_SIZE_NAMES.indexOf(this.directMapPageSize);
    if (leaf < 0)
      throw new RangeError(`direct-map page size ${this.directMapPageSize}: one of ${PAGE_SIZE_NAMES.join(', ')}`);
    this.directMapLeafPages = 2 ** PAGE_SIZE_ORDER[leaf];
    this.directMapBase = directMapBaseVpn(levels);
    this.directMapEnd = this.directMapBase + directMapPages(levels);
    this.checking = cfg.checker ?? true;
    this.checker = new Checker(this.geometry, this.checking, cfg.preemptRt ?? false);
    this.checker.meter = this.stateMeter;
    this.kernelPt = new PageTable(levels, undefined, this.stateMeter);
    this.userTop = userTopVpn(levels);
    this.tlbs = [];
    const refs = this.checking ? this.checker : null;
    // Only online CPUs run anything, so only they get a TLB (tlbs[c], c < onlineCpus): a machine
    // of 1024 possible CPUs with 4 online ones does not carry 1020 empty TLB models.
    for (let c = 0; c < this.onlineCpus; c++) {
      const t = new Tlb(this.tlbConfig, this.geometry.baseVpn, this.geometry.mmLocalEndVpn, this.clock);
      t.mermapRefs = refs;
      if (cfg.shadowTlb === true)
        t.shadow = new Tlb(this.tlbConfig, this.geometry.baseVpn, this.geometry.mmLocalEndVpn, this.clock);
      this.tlbs.push(t);
    }
    this.asidMm = new Int32Array(this.onlineCpus * TLB_NR_DYN_ASIDS).fill(-1);
    this.nextAsid = new Int32Array(this.onlineCpus);
    this.currentPcidOf = new Int32Array(this.possibleCpus);
    this.currentTask = new Int32Array(this.possibleCpus).fill(-1);
    this.currentMm = new Int32Array(this.possibleCpus).fill(-1);
    // the machine itself (its methods, not closures made per machine: an allocator's flush call
    // then sees one target in every run)
    this.host = this;
  }

  /** Add an observer next to any already there. */
  addObserver(o: MachineObserver): void {
    this.observers.push(o);
    this.observer = combineObservers(this.observers);
  }
  removeObserver(o: MachineObserver): void {
    const i = this.observers.indexOf(o);
    if (i >= 0) this.observers.splice(i, 1);
    this.observer = combineObservers(this.observers);
  }

  // ------------------------------------------------------------------ mms and tasks

  /** mm_alloc(): a new mm with its own page tables; prepare its mermap unless told not to. */
  createMm(prepare = true): number {
    const id = this.mms.length;
    const info = allocatorInfo(this.variant)!;
    const rec: MmRec = {
      id,
      pt: new PageTable(this.geometry.levels, undefined, this.stateMeter),
      pteIdx: new MermapPteIndex(this.geometry, this.stateMeter),
      alloc: info.factory(this.geometry, this.host, this.allocOptions),
      unmappedAbsent: -1,
      stamps: new MmStamps(this.possibleCpus),
      prepareTablePages: 0,
      prepareBytes: 0,
      preparePteWrites: 0,
      regionReady: new Uint8Array(this.possibleCpus),
      reservedHandle: null,
      crossedRegion: false,
      exited: false,
    };
    rec.alloc.prepared = false;
    if (!ptePresent(rec.alloc.unmappedPte)) rec.unmappedAbsent = rec.alloc.unmappedPte;
    this.mms.push(rec);
    if (prepare) this.mermapMmPrepare(id);
    return id;
  }

  /**
   * mermap_mm_prepare(): for every possible CPU, walk its whole region with
   * apply_to_page_range(), allocating the PUD/PMD/PTE tables and writing the "unmapped" PTE
   * (the sentinel in rfc-v1 and the dev snapshots, zero in rfc-later), so get never allocates.
   *
   * The cost is what that walk allocates for every possible CPU (the closed form of
   * src/core/paging/cost.ts, checked against a real tree there). The tables themselves are
   * materialised in this mm's PageTable region by region, the first time anything maps into a
   * region: a region nothing has touched holds only unmapped PTEs, so the state every get, put,
   * walk and checker sees is the same as if all were written up front, while 1024 possible CPUs
   * x thousands of mms stay cheap to simulate.
   */
  mermapMmPrepare(mm: number): void {
    const rec = this.mms[mm];
    if (rec.alloc.prepared) return; // idempotent under init_lock
    const c = mermapPrepareCostClosedForm(this.geometry.levels, this.geometry.regionPages, this.possibleCpus);
    rec.prepareTablePages = c.tablePages;
    rec.prepareBytes = c.bytes;
    rec.preparePteWrites = c.pteWrites;
    rec.alloc.prepared = true;
  }

  /** Materialise the prepared regions that [vpn, vpn + pages) falls in (see mermapMmPrepare). */
  protected ensureRegions(rec: MmRec, vpn: number, pages: number): void {
    if (!rec.alloc.prepared) return;
    const R = this.geometry.regionPages;
    const first = Math.max(0, Math.floor((vpn - this.geometry.baseVpn) / R));
    const last = Math.min(this.possibleCpus - 1, Math.floor((vpn + pages - 1 - this.geometry.baseVpn) / R));
    for (let c = first; c <= last; c++) {
      if (rec.regionReady[c] === 0) {
        rec.regionReady[c] = 1;
        rec.pt.populate(cpuBaseVpn(this.geometry, c), R, rec.alloc.unmappedPte);
      }
    }
  }

  /**
   * exit_mmap() of process mm, whose tasks have done their last (a trace's process after its
   * last line): mermap_mm_teardown() frees its per-CPU mermap state and mm_local_region_free()
   * its mm-local page tables (facts §4.3). The model frees what grows with the CPUs the mm
   * mapped on: its page tables, its PTE index, the checker's stamps and its reserved-handle
   * marks (the meter is told). It keeps what the run reports of the mm: the allocator's per-CPU
   * state (flush counts, slots held at the end), the prepare cost, the flush epochs.
   *
   * Nothing reads the freed state again, as no task of the mm runs after its exit: a CPU that
   * still has the mm loaded (lazy TLB, until its next switch) only bumps its epochs when it
   * flushes, and TLB entries tagged with its PCID stay until flushed or evicted, as on the
   * hardware. So a run's memory follows its live processes, and its results are the same.
   */
  exitMm(mm: number): void {
    const rec = this.mms[mm];
    if (rec.exited) return;
    rec.exited = true;
    const freed = rec.pt.ownBytes() + rec.pteIdx.bytes() + rec.stamps.release() + (rec.reservedHandle?.byteLength ?? 0);
    rec.reservedHandle = null;
    this.exitedTables ??= {
      pt: new PageTable(this.geometry.levels, 0, null),
      pteIdx: new MermapPteIndex(this.geometry, null),
    };
    rec.pt = this.exitedTables.pt;
    rec.pteIdx = this.exitedTables.pteIdx;
    this.stateMeter.add(-freed);
  }

  createTask(mm: number, cpu: number): number {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.onlineCpus)
      throw new RangeError(`task on CPU ${cpu}: only the online CPUs 0..${this.onlineCpus - 1} run tasks`);
    const id = this.taskMm.length;
    this.taskMm.push(mm);
    this.taskCpu.push(cpu);
    this.migrateDepth.push(0);
    this.liveAllocs.push(0);
    this.preemptCount.push(0);
    this.irqsOff.push(0);
    this.inTask.push(1);
    return id;
  }

  mmCount(): number {
    return this.mms.length;
  }
  /**
   * Bytes of typed arrays mm holds now: its page tables, PTE index, allocator state for every
   * possible CPU and the checker's stamps (src/run/state-size.ts sizes a run from this).
   */
  mmStateBytes(mm: number): number {
    const rec = this.mms[mm];
    // the page tables by their own count: the walk order they read is every mm's, and an exited
    // mm's tables are the machine's one empty set
    const shared = new Set<object>([this, this.geometry, cpuBasesOf(this.geometry), rec.pt]);
    return typedArrayBytes(rec, 3, shared) + (rec.exited ? 0 : rec.pt.ownBytes());
  }
  /** Bytes of typed arrays online CPU cpu's TLB holds (with its shadow TLB, if any). */
  tlbStateBytes(cpu: number): number {
    return typedArrayBytes(this.tlbs[cpu], 3, new Set<object>([this, this.checker, this.clock]));
  }
  taskCount(): number {
    return this.taskMm.length;
  }
  allocator(mm: number): MermapAllocator {
    return this.mms[mm].alloc;
  }
  pageTable(mm: number): PageTable {
    return this.mms[mm].pt;
  }
  mmOfTask(task: number): number {
    return this.taskMm[task];
  }
  cpuOfTask(task: number): number {
    return this.taskCpu[task];
  }
  migrateDisableDepth(task: number): number {
    return this.migrateDepth[task];
  }
  /** Page-table pages and bytes mermap_mm_prepare() added to this mm, and its PTE writes. */
  prepareCost(mm: number): { tablePages: number; bytes: number; pteWrites: number } {
    const r = this.mms[mm];
    return { tablePages: r.prepareTablePages, bytes: r.prepareBytes, pteWrites: r.preparePteWrites };
  }

  // execution context of a task (what in_task(), preemptible(), irqs_disabled() would say)
  preemptDisable(task: number): void {
    this.preemptCount[task]++;
  }
  preemptEnable(task: number): void {
    if (this.preemptCount[task] > 0) this.preemptCount[task]--;
  }
  localIrqSave(task: number): void {
    this.irqsOff[task]++;
  }
  localIrqRestore(task: number): void {
    if (this.irqsOff[task] > 0) this.irqsOff[task]--;
  }
  /** false: the task's next gets are made from IRQ context (in_task() is false). */
  setInTask(task: number, inTask: boolean): void {
    this.inTask[task] = inTask ? 1 : 0;
  }

  /** Move a task to another CPU; refused (false) while it is migrate-disabled. */
  migrate(task: number, toCpu: number): boolean {
    if (!Number.isInteger(toCpu) || toCpu < 0 || toCpu >= this.onlineCpus)
      throw new RangeError(`migration to CPU ${toCpu}: only the online CPUs 0..${this.onlineCpus - 1} run tasks`);
    if (this.migrateDepth[task] > 0) {
      this.migrationsRefused++;
      return false;
    }
    const from = this.taskCpu[task];
    if (from === toCpu) return true;
    if (this.currentTask[from] === task) this.currentTask[from] = -1;
    // `| 0`: keep taskCpu an array of small integers; one double stored (a CPU read from an event
    // chunk's Float64Array) turns it to doubles, and every CPU read from it is then boxed at calls
    this.taskCpu[task] = toCpu | 0;
    this.migrations++;
    return true;
  }

  /**
   * mermap_mm_teardown() as written in every version read (§8.7): the loop runs over every
   * possible CPU but looks at this_cpu_ptr(): the tearing-down CPU's slots, each time.
   * Returns what it warns about and what it misses.
   */
  mermapMmTeardown(mm: number, currentCpu: number): { warned: boolean; slotsSeen: number; slotsMissed: number } {
    const alloc = this.mms[mm].alloc;
    let seen = 0;
    let missed = 0;
    for (let c = 0; c < this.possibleCpus; c++) {
      const live = alloc.liveAllocations(c).length;
      if (c === currentCpu) seen = live;
      else missed += live;
    }
    return { warned: seen > 0, slotsSeen: seen, slotsMissed: missed };
  }

  /** Allocator-requested local flushes on a CPU, summed over mms (what replay reports). */
  flushCount(cpu: number): number {
    let n = 0;
    for (let i = 0; i < this.mms.length; i++) n += this.mms[i].alloc.flushes[cpu];
    return n;
  }

  /**
   * A checker report at the current op. `detail` runs only when the checker keeps this report
   * (building the text costs more than counting it), and gets the report's pfn and vpn: a
   * report made once per event passes a module-level function, so no closure is made per report.
   */
  protected violation(
    kind: number,
    cpu: number,
    mm: number,
    task: number,
    vpn: number,
    pfn: number,
    detail: (pfn: number, vpn: number) => string,
  ): void {
    const keep = this.checker.keeping(kind);
    this.checker.report(kind, this.clock.op, cpu, mm, task, vpn, pfn, keep ? detail(pfn, vpn) : '');
  }

  // the FlushHost the allocators flush through (./translation.ts)
  abstract flushTlbAll(cpu: number): void;
  abstract flushTlbMm(cpu: number): void;
  abstract invlpg(cpu: number, vpn: number): void;
  abstract flushKernelRangeAllCpus(cpu: number, startVpn: number, pages: number): void;
}
