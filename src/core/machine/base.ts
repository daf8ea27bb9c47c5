import { allocatorInfo, allocatorNames } from '../allocators.js';
import { Checker } from '../checker.js';
import {
  DEFAULT_DIRECT_MAP_PAGE_SIZE,
  DEFAULT_PAGING_LEVELS,
  DEFAULT_REGION_PAGES,
  DEFAULT_TLB_PRESET,
  DEFAULT_VARIANT,
} from '../defaults.js';
import type { AllocatorOptions, FlushHost } from '../mermap/allocator.js';
import { Reason } from '../mermap/reasons.js';
import {
  directMapBaseVpn,
  directMapPages,
  mermapGeometry,
  type MermapGeometry,
  PAGE_SIZE_NAMES,
  PAGE_SIZE_ORDER,
  type PageSizeName,
} from '../paging/geometry.js';
import { PageTable } from '../paging/page-table.js';
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
import { withFields } from '../util/with-fields.js';

/**
 * The Machine's state and bookkeeping: CPUs, TLBs, tasks, counters, observers (see
 * src/core/machine.ts for the whole picture). The mms' lifecycle is in ./mms.ts, translation
 * (CR3, accesses, flushes) in ./translation.ts, the mermap calls in ../machine.ts.
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
  readonly failures = new Float64Array(Reason.COUNT);
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
    // one map for every machine's options (src/core/util/with-fields.ts): allocators read them
    this.allocOptions = withFields(cfg.allocatorOptions ?? {}, { onlineCpus: this.onlineCpus, meter: this.stateMeter });
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

  // ------------------------------------------------------------------ tasks

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

  /** Bytes of typed arrays online CPU cpu's TLB holds (with its shadow TLB, if any). */
  tlbStateBytes(cpu: number): number {
    return typedArrayBytes(this.tlbs[cpu], 3, new Set<object>([this, this.checker, this.clock]));
  }
  taskCount(): number {
    return this.taskMm.length;
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
