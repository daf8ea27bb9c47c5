import { allocatorInfo, allocatorNames } from './allocators.js';
import {
  DEFAULT_PAGING_LEVELS,
  DEFAULT_REGION_PAGES,
  DEFAULT_TLB_PRESET,
  DEFAULT_VARIANT,
  FLUSH_CEILING_PAGES,
  PTRS_PER_TABLE,
} from './defaults.js';
import {
  Checker,
  lockSite,
  MmStamps,
  V_MIGRATE_DISABLE_LEAK,
  V_OUT_OF_REGION,
  V_REUSE_WITHOUT_FLUSH,
  V_STALE_TLB_AFTER_FREE,
  V_STALE_TLB_HIT,
} from './checker.js';
import type { AllocatorOptions, FlushHost, MermapAllocator } from './mermap/allocator.js';
import { REASON_COUNT, R_PTE_WRITE } from './mermap/reasons.js';
import { cpuBaseVpn, mermapGeometry, type MermapGeometry, type PagingLevels, vpnToHex } from './paging/geometry.js';
import { mermapPrepareCostClosedForm } from './paging/cost.js';
import { PageTable } from './paging/page-table.js';
import { mkPte, ptePfn, ptePresent, PTE_GLOBAL, PTE_NX, PTE_PRESENT, PROT_KERNEL_NOGLOBAL } from './paging/pte.js';
import {
  FLUSH_ALL,
  FLUSH_CR3,
  FLUSH_INVLPG,
  FLUSH_INVPCID_SINGLE,
  resolveTlbConfig,
  Tlb,
  type Clock,
  type TlbConfig,
} from './tlb/index.js';

/**
 * A machine of N possible CPUs (the first `onlineCpus` of them online), any number of mms and
 * tasks, each mm with its own x86-64 page tables and its own mermap, each CPU with its own TLB.
 *
 *   CPU c:  tlb[c]   currentTask[c] -> task -> mm -> { PageTable, MermapAllocator, PCID }
 *
 * mermapGet()/mermapPut() are __mermap_get()/__mermap_put(): the allocator picks the range (and
 * may flush this CPU's TLB through the FlushHost below, a real __flush_tlb_all() on the TLB
 * model), then the machine writes the PTEs of that mm's tables and keeps the task's
 * migrate-disable depth. The checker watches all of it.
 *
 * Kernel addresses outside the mm-local PGD slot are shared by every mm (one kernel PageTable);
 * user addresses and the mm-local slot (the mermap) belong to each mm.
 */
export interface MachineConfig {
  possibleCpus: number;
  onlineCpus?: number | undefined;
  pagingLevels?: PagingLevels | undefined;
  regionPages?: number | undefined;
  /** the allocator registry's name (src/core/allocators.ts): a kernel version of the mermap or an alternative policy */
  variant?: string | undefined;
  allocatorOptions?: AllocatorOptions | undefined;
  tlb?: string | TlbConfig | undefined;
  /**
   * PCID on (default): each CPU tags TLB entries with one of TLB_NR_DYN_ASIDS = 6 dynamic ASIDs
   * (arch/x86/include/asm/tlbflush.h), handed to mms round robin as in choose_new_asid(); a CR3
   * write keeps the entries of mms that still hold an ASID there. PCID off: every CR3 write
   * flushes the non-global entries.
   */
  pcid?: boolean | undefined;
  /** the checker (default on) */
  checker?: boolean | undefined;
  /**
   * A PREEMPT_RT kernel (default false): the PTE spinlock sleeps, so the checker reports
   * lock_in_atomic (facts §8.2), once per call site.
   */
  preemptRt?: boolean | undefined;
}

export interface MachineObserver {
  onGet?(
    cpu: number,
    mm: number,
    task: number,
    handle: number,
    baseVpn: number,
    pages: number,
    reserved: boolean,
  ): void;
  onGetFail?(cpu: number, mm: number, task: number, reason: number, pages: number, reserved: boolean): void;
  onPut?(cpu: number, mm: number, task: number, handle: number, baseVpn: number, pages: number): void;
  /** a flush on `cpu` (kind: FLUSH_* of src/core/tlb); for INVLPG, vpn is the page, else -1 */
  onFlush?(cpu: number, kind: number, pages: number, vpn: number): void;
}

/**
 * One observer that forwards to several (the machine holds a single observer so that an absent
 * one costs a null check per event).
 */
export function combineObservers(list: MachineObserver[]): MachineObserver | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0];
  const has = (k: keyof MachineObserver) => list.filter((o) => o[k] !== undefined);
  const gets = has('onGet');
  const fails = has('onGetFail');
  const puts = has('onPut');
  const flushes = has('onFlush');
  const out: MachineObserver = {};
  if (gets.length) out.onGet = (...a) => gets.forEach((o) => o.onGet!(...a));
  if (fails.length) out.onGetFail = (...a) => fails.forEach((o) => o.onGetFail!(...a));
  if (puts.length) out.onPut = (...a) => puts.forEach((o) => o.onPut!(...a));
  if (flushes.length) out.onFlush = (...a) => flushes.forEach((o) => o.onFlush!(...a));
  return out;
}

/** TLB_NR_DYN_ASIDS (arch/x86/include/asm/tlbflush.h): dynamic ASIDs per CPU. */
export const TLB_NR_DYN_ASIDS = 6;

interface MmRec {
  id: number;
  pt: PageTable;
  alloc: MermapAllocator;
  stamps: MmStamps;
  prepareTablePages: number;
  prepareBytes: number;
  preparePteWrites: number;
  /** 1 once a CPU's region has its tables and unmapped PTEs in `pt` (see mermapMmPrepare) */
  regionReady: Uint8Array;
  /** 1 for a handle taken by a reserved get (made on the mm's first reserved get) */
  reservedHandle: Uint8Array | null;
  /** some get of this mm reached outside its CPU's region: other CPUs' TLBs may hold its pages */
  crossedRegion: boolean;
}

/** user half: below 2^47 (4-level) or 2^56 (5-level), in pages */
function userTopVpn(levels: PagingLevels): number {
  return levels === 5 ? 2 ** 44 : 2 ** 35;
}

export class Machine {
  readonly geometry: MermapGeometry;
  readonly possibleCpus: number;
  readonly onlineCpus: number;
  /** the allocator registry's name this machine runs */
  readonly variant: string;
  readonly clock: Clock = { op: 0, ns: 0 };
  readonly tlbs: Tlb[];
  readonly tlbConfig: TlbConfig;
  readonly checker: Checker;
  readonly pcidEnabled: boolean;
  observer: MachineObserver | null = null;
  private readonly observers: MachineObserver[] = [];
  /**
   * Fault injection (§8.3): make this get's PTE write fail. true: at the middle page of the range
   * (floor(pages / 2) PTEs written before it); a number k: after k PTEs. false: no failure.
   */
  pteWriteFault: ((task: number, pages: number) => boolean | number) | null = null;

  // --- counters (plain numbers; see docs/metrics.md) ---
  gets = 0;
  getsOk = 0;
  reservedGets = 0;
  puts = 0;
  readonly failures = new Float64Array(REASON_COUNT);
  pteWrites = 0;
  /** PTEs apply_to_existing_page_range() skipped because they were pte_none() or had no table */
  ptesSkipped = 0;
  cr3Writes = 0;
  accesses = 0;
  pageWalks = 0;
  walkReads = 0;
  pageFaults = 0;
  mermapFaults = 0;
  migrations = 0;
  migrationsRefused = 0;
  /** flush_tlb_kernel_range() calls (each an IPI round to every other online CPU) */
  shootdowns = 0;
  ipis = 0;
  remoteInvlpgs = 0;

  readonly currentTask: Int32Array;
  /** the mm holding each dynamic ASID of each online CPU: [cpu * 6 + asid], -1 free */
  private readonly asidMm: Int32Array;
  /** cpu_tlbstate.next_asid */
  private readonly nextAsid: Int32Array;
  /** PCID loaded in CR3 on each CPU (ASID + 1 with PCID on; 0 without) */
  private readonly currentPcidOf: Int32Array;
  /** CR3 writes that had to flush (a reused ASID, or no PCID) */
  cr3Flushes = 0;
  readonly currentMm: Int32Array;
  private readonly allocOptions: AllocatorOptions;
  private readonly mms: MmRec[] = [];
  private readonly kernelPt: PageTable;
  private readonly userTop: number;
  private readonly host: FlushHost;
  private readonly checking: boolean;
  // tasks (a handful; plain arrays of numbers)
  private readonly taskMm: number[] = [];
  private readonly taskCpu: number[] = [];
  private readonly migrateDepth: number[] = [];
  private readonly liveAllocs: number[] = [];
  private readonly preemptCount: number[] = [];
  private readonly irqsOff: number[] = [];
  private readonly inTask: number[] = [];
  private nextUserPfn = 2 ** 30;

  constructor(cfg: MachineConfig) {
    const levels = cfg.pagingLevels ?? DEFAULT_PAGING_LEVELS;
    this.possibleCpus = cfg.possibleCpus;
    this.onlineCpus = cfg.onlineCpus ?? cfg.possibleCpus;
    this.geometry = mermapGeometry(levels, cfg.regionPages ?? DEFAULT_REGION_PAGES, cfg.possibleCpus);
    this.variant = cfg.variant ?? DEFAULT_VARIANT;
    if (allocatorInfo(this.variant) === undefined) {
      throw new RangeError(`unknown variant ${this.variant}: one of ${allocatorNames().join(', ')}`);
    }
    this.allocOptions = { ...cfg.allocatorOptions, onlineCpus: this.onlineCpus };
    this.tlbConfig = resolveTlbConfig(cfg.tlb ?? DEFAULT_TLB_PRESET);
    this.pcidEnabled = cfg.pcid ?? true;
    this.checking = cfg.checker ?? true;
    this.checker = new Checker(this.geometry, this.checking, cfg.preemptRt ?? false);
    this.kernelPt = new PageTable(levels);
    this.userTop = userTopVpn(levels);
    this.tlbs = [];
    const onRef = this.checking ? (pfn: number, d: number) => this.checker.tlbRef(pfn, d) : null;
    // Only online CPUs run anything, so only they get a TLB (tlbs[c], c < onlineCpus): a machine
    // of 1024 possible CPUs with 4 online ones does not carry 1020 empty TLB models.
    for (let c = 0; c < this.onlineCpus; c++) {
      const t = new Tlb(this.tlbConfig, this.geometry.baseVpn, this.geometry.mmLocalEndVpn, this.clock);
      t.onMermapRef = onRef;
      this.tlbs.push(t);
    }
    this.asidMm = new Int32Array(this.onlineCpus * TLB_NR_DYN_ASIDS).fill(-1);
    this.nextAsid = new Int32Array(this.onlineCpus);
    this.currentPcidOf = new Int32Array(this.possibleCpus);
    this.currentTask = new Int32Array(this.possibleCpus).fill(-1);
    this.currentMm = new Int32Array(this.possibleCpus).fill(-1);
    this.host = {
      flushTlbAll: (cpu) => this.flushTlbAll(cpu),
      flushTlbMm: (cpu) => this.flushTlbMm(cpu),
      invlpg: (cpu, vpn) => this.invlpg(cpu, vpn),
      flushKernelRangeAllCpus: (cpu, start, pages) => this.flushKernelRangeAllCpus(cpu, start, pages),
    };
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
      pt: new PageTable(this.geometry.levels),
      alloc: info.factory(this.geometry, this.host, this.allocOptions),
      stamps: new MmStamps(this.possibleCpus),
      prepareTablePages: 0,
      prepareBytes: 0,
      preparePteWrites: 0,
      regionReady: new Uint8Array(this.possibleCpus),
      reservedHandle: null,
      crossedRegion: false,
    };
    rec.alloc.prepared = false;
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
  private ensureRegions(rec: MmRec, vpn: number, pages: number): void {
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

  /**
   * Run `task` on its CPU: switch_mm_irqs_off(). A CR3 write when the mm changes. With PCID the
   * mm keeps its ASID on this CPU if it still has one (no flush: entries tagged with it are
   * still its own); otherwise choose_new_asid() takes the next of the 6 round robin and the CR3
   * write flushes that PCID, dropping what the ASID's previous mm left there. Without PCID every
   * CR3 write flushes the non-global entries.
   */
  switchTo(task: number): void {
    const cpu = this.taskCpu[task];
    if (this.currentTask[cpu] === task) return;
    this.currentTask[cpu] = task;
    const mm = this.taskMm[task];
    if (this.currentMm[cpu] === mm) return;
    this.currentMm[cpu] = mm;
    this.cr3Writes++;
    const tlb = this.tlbs[cpu];
    if (!this.pcidEnabled) {
      this.cr3Flushes++;
      tlb.flushPcid(0, 0, false, FLUSH_CR3);
      this.checker.cpuEpoch[cpu]++;
      return;
    }
    const s0 = cpu * TLB_NR_DYN_ASIDS;
    for (let a = 0; a < TLB_NR_DYN_ASIDS; a++) {
      if (this.asidMm[s0 + a] === mm) {
        this.currentPcidOf[cpu] = a + 1;
        return;
      }
    }
    let asid = this.nextAsid[cpu];
    if (asid >= TLB_NR_DYN_ASIDS) asid = 0;
    this.nextAsid[cpu] = asid + 1;
    const previous = this.asidMm[s0 + asid];
    this.asidMm[s0 + asid] = mm;
    const pcid = asid + 1;
    this.currentPcidOf[cpu] = pcid;
    if (previous >= 0) {
      // the reused PCID still tags the previous mm's entries: the CR3 write flushes them
      this.cr3Flushes++;
      tlb.flushPcid(pcid, pcid, false, FLUSH_CR3);
      tlb.forgetPcid(pcid);
      this.mms[previous].stamps.epoch[cpu]++;
    }
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
    this.taskCpu[task] = toCpu;
    this.migrations++;
    return true;
  }

  // ------------------------------------------------------------------ the mermap

  /**
   * __mermap_get(mm, page, size, prot, use_reserve) for `task` on its CPU: returns a handle
   * (>= 0) or -reason. `pfn` is the first of `pages` physically contiguous pages.
   */
  mermapGet(task: number, pages: number, pfn: number, prot: number = PROT_KERNEL_NOGLOBAL, reserved = false): number {
    this.switchTo(task);
    const cpu = this.taskCpu[task];
    const mm = this.taskMm[task];
    const rec = this.mms[mm];
    const alloc = rec.alloc;
    this.gets++;
    if (reserved) this.reservedGets++;
    const h = alloc.get(cpu, pages, reserved, prot, this.inTask[task] === 1);
    if (h < 0) {
      this.failures[-h]++;
      if (this.observer !== null && this.observer.onGetFail !== undefined)
        this.observer.onGetFail(cpu, mm, task, -h, pages, reserved);
      return h;
    }
    // migrate_disable() happened before mermap_alloc(); it stays on for the caller.
    this.migrateDepth[task]++;
    const base = alloc.lastBase;
    const n = alloc.lastPages;
    if (reserved) this.markReserved(rec, h);
    const cpuBase = cpuBaseVpn(this.geometry, cpu);
    const outside = base < cpuBase || base + n > cpuBase + this.geometry.regionPages;
    if (outside) rec.crossedRegion = true;
    if (this.checking) {
      if (alloc.ptesLocked && (this.preemptCount[task] > 0 || this.irqsOff[task] > 0))
        this.checker.lockInAtomic(lockSite(false, reserved), this.clock.op, cpu, mm, task, base);
      if (outside) {
        this.checker.report(
          V_OUT_OF_REGION,
          this.clock.op,
          cpu,
          mm,
          task,
          base,
          -1,
          this.checker.keeping(V_OUT_OF_REGION)
            ? `allocation at offset ${base - cpuBase} + ${n} pages, region is ${this.geometry.regionPages} pages`
            : '',
        );
      }
    }
    const fault = this.pteWriteFault === null ? false : this.pteWriteFault(task, n);
    // apply_to_page_range() stops at a failing PTE: the ones before it stay written
    const written = fault === false ? n : fault === true ? Math.floor(n / 2) : Math.max(0, Math.min(n, fault));
    const reused = this.mapRange(rec, cpu, base, written, pfn, prot);
    if (reused >= 0) {
      this.checker.report(
        V_REUSE_WITHOUT_FLUSH,
        this.clock.op,
        cpu,
        mm,
        task,
        reused,
        -1,
        'page mapped again before its CPU flushed the old translation',
      );
    }
    if (fault !== false) {
      // the slot is freed, migrate_enable() is forgotten, the PTEs written so far stay present
      alloc.abortGet(h);
      this.failures[R_PTE_WRITE]++;
      if (this.checking) {
        this.checker.report(
          V_MIGRATE_DISABLE_LEAK,
          this.clock.op,
          cpu,
          mm,
          task,
          base,
          -1,
          this.checker.keeping(V_MIGRATE_DISABLE_LEAK)
            ? `migrate-disable depth left at ${this.migrateDepth[task]} after a failed PTE write; ${written} of ${n} PTEs left present with no owner`
            : '',
        );
      }
      if (this.observer !== null && this.observer.onGetFail !== undefined)
        this.observer.onGetFail(cpu, mm, task, R_PTE_WRITE, pages, reserved);
      return -R_PTE_WRITE;
    }
    this.liveAllocs[task]++;
    this.getsOk++;
    if (this.observer !== null && this.observer.onGet !== undefined)
      this.observer.onGet(cpu, mm, task, h, base, n, reserved);
    return h;
  }

  /**
   * Write the first `pages` PTEs of [base, ...) to pfn.. with prot, as the allocator's
   * apply_to_*_page_range() does. Returns the first page the checker found a reuse without
   * flush on, or -1.
   */
  private mapRange(rec: MmRec, cpu: number, base: number, pages: number, pfn: number, prot: number): number {
    if (pages === 0) return -1;
    this.ensureRegions(rec, base, pages);
    const pt = rec.pt;
    const existingOnly = rec.alloc.writesExistingOnly;
    let reused = -1;
    let idx = -1;
    for (let i = 0; i < pages; i++) {
      const vpn = base + i;
      // consecutive PTEs of one PTE table are consecutive in pt.ptes: walk only at table starts
      idx = idx >= 0 && vpn % PTRS_PER_TABLE !== 0 ? idx + 1 : pt.pteIndex(vpn);
      if (idx < 0) {
        if (existingOnly) {
          this.ptesSkipped++;
          continue;
        }
        pt.populate(vpn, 1, 0); // PGRANGE_CREATE
        idx = pt.pteIndex(vpn);
      } else if (existingOnly && pt.ptes[idx] === 0) {
        this.ptesSkipped++;
        continue;
      }
      if (this.checking && this.checker.onMap(rec.stamps, cpu, vpn) && reused < 0) reused = vpn;
      // a present PTE changed under a mapping (an overlap, a PTE left by a failed get): any
      // TLB's copy of it is stale from now
      if (ptePresent(pt.ptes[idx])) this.markStaleEverywhere(rec.id, vpn, -1);
      pt.ptes[idx] = mkPte(pfn + i, prot);
      this.pteWrites++;
    }
    return reused;
  }

  /** Remember that handle h of this mm came from a reserved get (for the put's call site). */
  private markReserved(rec: MmRec, h: number): void {
    let a = rec.reservedHandle;
    if (a === null || h >= a.length) {
      const grown = new Uint8Array(Math.max(h + 1, this.possibleCpus * rec.alloc.slotsPerCpu));
      if (a !== null) grown.set(a);
      a = grown;
      rec.reservedHandle = a;
    }
    a[h] = 1;
  }

  /** __mermap_put(): rewrite the range's PTEs to the unmapped value, free the slot, migrate_enable(). */
  mermapPut(task: number, handle: number): number {
    this.switchTo(task);
    const mm = this.taskMm[task];
    const rec = this.mms[mm];
    const alloc = rec.alloc;
    const r = alloc.put(handle);
    if (r < 0) {
      this.failures[-r]++;
      return r;
    }
    this.puts++;
    const cpu = alloc.handleCpu(handle);
    const base = alloc.lastBase;
    const n = alloc.lastPages;
    const rh = rec.reservedHandle;
    const wasReserved = rh !== null && handle < rh.length && rh[handle] === 1;
    if (wasReserved) (rh as Uint8Array)[handle] = 0;
    if (this.checking && alloc.ptesLocked && (this.preemptCount[task] > 0 || this.irqsOff[task] > 0))
      this.checker.lockInAtomic(lockSite(true, wasReserved), this.clock.op, cpu, mm, task, base);
    const pt = rec.pt;
    const unmapped = alloc.unmappedPte;
    const tlb = this.tlbs[cpu];
    const pcid = this.currentPcidOf[cpu];
    const checking = this.checking;
    const stamps = rec.stamps;
    let idx = -1;
    for (let i = 0; i < n; i++) {
      const vpn = base + i;
      idx = idx >= 0 && vpn % PTRS_PER_TABLE !== 0 ? idx + 1 : pt.pteIndex(vpn);
      if (idx >= 0) {
        pt.ptes[idx] = unmapped;
        this.pteWrites++;
      }
      if (checking) this.checker.onUnmap(stamps, vpn);
      tlb.markStale(vpn, pcid);
      // after an out-of-region mapping in this mm, other CPUs may hold copies too
      if (rec.crossedRegion) this.markStaleEverywhere(mm, vpn, cpu);
    }
    if (this.observer !== null && this.observer.onPut !== undefined)
      this.observer.onPut(cpu, mm, task, handle, base, n);
    if (alloc.flushAfterPut !== undefined) alloc.flushAfterPut(cpu, base, n);
    if (this.migrateDepth[task] > 0) this.migrateDepth[task]--;
    if (this.liveAllocs[task] > 0) this.liveAllocs[task]--;
    return 0;
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

  // ------------------------------------------------------------------ memory accesses

  /**
   * A data access by `task` (on its CPU) to page vpn: a TLB hit, or a page walk through the
   * current mm's tables (or the shared kernel tables) and a fill. User and kernel pages that are
   * not mapped yet are demand-mapped (kernel ones global, the direct map); a not-present mermap
   * page is a fault of the caller (counted, nothing filled).
   */
  access(task: number, vpn: number): boolean {
    this.switchTo(task);
    const cpu = this.taskCpu[task];
    const rec = this.mms[this.taskMm[task]];
    const tlb = this.tlbs[cpu];
    this.accesses++;
    const pcid = this.currentPcidOf[cpu];
    const staleBefore = tlb.staleHits;
    const hit = tlb.lookup(vpn, pcid);
    if (hit >= 0) {
      if (this.checking && tlb.staleHits !== staleBefore) {
        const pfn = ptePfn(hit);
        this.checker.report(
          V_STALE_TLB_HIT,
          this.clock.op,
          cpu,
          this.taskMm[task],
          task,
          vpn,
          pfn,
          this.checker.keeping(V_STALE_TLB_HIT)
            ? `access to ${vpnToHex(vpn)} hit a cached translation to pfn 0x${pfn.toString(16)} whose PTE was cleared since`
            : '',
        );
      }
      return true;
    }
    const mmLocal = vpn >= this.geometry.mmLocalStartVpn && vpn < this.geometry.mmLocalEndVpn;
    const pt = vpn < this.userTop || mmLocal ? rec.pt : this.kernelPt;
    let pte = pt.walk(vpn);
    this.pageWalks++;
    this.walkReads += pt.lastWalkReads;
    if (!ptePresent(pte)) {
      if (mmLocal) {
        this.mermapFaults++;
        return false;
      }
      this.pageFaults++;
      const global = vpn >= this.userTop;
      pte = mkPte(this.nextUserPfn++, PTE_PRESENT | PTE_NX | (global ? PTE_GLOBAL : 0));
      pt.populate(vpn, 1, pte);
    }
    tlb.fill(vpn, pcid, pte);
    return true;
  }

  /** Pages go back to the page allocator: the checker looks for TLBs still translating to them. */
  freePages(pfn: number, pages: number, cpu = -1): void {
    if (!this.checking) return;
    const p = this.checker.firstCachedPfn(pfn, pages);
    if (p >= 0) {
      this.checker.report(
        V_STALE_TLB_AFTER_FREE,
        this.clock.op,
        cpu,
        -1,
        -1,
        -1,
        p,
        this.checker.keeping(V_STALE_TLB_AFTER_FREE)
          ? `pfn 0x${p.toString(16)} freed while a TLB still holds a mermap translation to it`
          : '',
      );
    }
  }

  // ------------------------------------------------------------------ flushes (the FlushHost)

  /** __flush_tlb_all() on `cpu`: INVPCID type 2 / CR4.PGE toggle: everything, globals included. */
  flushTlbAll(cpu: number): void {
    this.tlbs[cpu].flushAll(this.currentPcid(cpu), true);
    this.checker.cpuEpoch[cpu]++;
    if (this.observer !== null && this.observer.onFlush !== undefined) this.observer.onFlush(cpu, FLUSH_ALL, 0, -1);
  }

  /** INVPCID single context: the current mm's PCID on `cpu`, globals and other PCIDs survive. */
  flushTlbMm(cpu: number): void {
    const mm = this.currentMm[cpu];
    const pcid = this.currentPcid(cpu);
    this.tlbs[cpu].flushPcid(pcid, pcid, true, FLUSH_INVPCID_SINGLE);
    if (mm >= 0) this.mms[mm].stamps.epoch[cpu]++;
    if (this.observer !== null && this.observer.onFlush !== undefined)
      this.observer.onFlush(cpu, FLUSH_INVPCID_SINGLE, 0, -1);
  }

  invlpg(cpu: number, vpn: number): void {
    const pcid = this.currentPcid(cpu);
    this.tlbs[cpu].invlpg(vpn, pcid);
    const mm = this.currentMm[cpu];
    if (this.checking && mm >= 0) this.checker.onInvlpg(this.mms[mm].stamps, cpu, vpn);
    if (this.observer !== null && this.observer.onFlush !== undefined) this.observer.onFlush(cpu, FLUSH_INVLPG, 1, vpn);
  }

  /**
   * flush_tlb_kernel_range() from `cpu`: every online CPU, the others by IPI; INVLPG per page up
   * to the ceiling, a full flush past it (arch/x86/mm/tlb.c; ceiling from the allocator options).
   */
  flushKernelRangeAllCpus(cpu: number, startVpn: number, pages: number): void {
    const ceiling = this.allocOptions.flushCeilingPages ?? FLUSH_CEILING_PAGES;
    this.shootdowns++;
    for (let c = 0; c < this.onlineCpus; c++) {
      if (c !== cpu) this.ipis++;
      if (pages > ceiling) {
        this.flushTlbAll(c);
      } else {
        for (let i = 0; i < pages; i++) {
          this.invlpg(c, startVpn + i);
          if (c !== cpu) this.remoteInvlpgs++;
        }
      }
    }
  }

  /** Mark vpn's translations of mm stale in the TLB of every online CPU but `except`. */
  private markStaleEverywhere(mm: number, vpn: number, except: number): void {
    for (let c = 0; c < this.onlineCpus; c++) {
      if (c === except) continue;
      let pcid = -1;
      if (!this.pcidEnabled) pcid = this.currentMm[c] === mm ? 0 : -1;
      else {
        // entries under an ASID this mm held before were flushed when it was reassigned
        const s0 = c * TLB_NR_DYN_ASIDS;
        for (let a = 0; a < TLB_NR_DYN_ASIDS; a++) if (this.asidMm[s0 + a] === mm) pcid = a + 1;
      }
      if (pcid >= 0) this.tlbs[c].markStale(vpn, pcid);
    }
  }

  private currentPcid(cpu: number): number {
    return this.currentPcidOf[cpu];
  }

  /** Allocator-requested local flushes on a CPU, summed over mms (what replay reports). */
  flushCount(cpu: number): number {
    let n = 0;
    for (let i = 0; i < this.mms.length; i++) n += this.mms[i].alloc.flushes[cpu];
    return n;
  }
}

export { FLUSH_ALL, FLUSH_CR3, FLUSH_INVLPG, FLUSH_INVPCID_SINGLE };
