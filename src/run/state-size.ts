/**
 * How much memory a run's simulator state takes, known before it is built, and the bound on it.
 *
 * Every size a config can set is bounded on its own (src/config/limits.ts), but the state grows
 * with their products. The kernel gives each mm per-CPU mermap state for every possible CPU, and
 * so does the simulator:
 *
 *   per process (mm)          its PGD page, JS objects                  ~8 KiB
 *   per process x possible    the allocator's per-CPU state (next_addr, the
 *     CPU                     slots; vmap-block's blocks), the checker's flush
 *                             epoch                                   ~100 B and up
 *   per process x online CPU  the wasted-VA metric's region numbers   65 B
 *   per online CPU            its TLB model (and the shadow TLB)      ~265 KiB
 *
 * Before this bound, 8,192 online CPUs with the default 2 processes each took 22.9 GB and
 * minutes to set up, and a vmap-block region of 2^18 one-page blocks on 8,192 CPUs (5-level
 * paging) asked for 52 GiB of arrays for its one mm: a crash with a stack trace, or the
 * kernel's OOM killer, from a config whose every field was in range.
 *
 * The per-process and per-CPU figures are measured from the code, not restated: a probe
 * machine of 1 and of 2 possible CPUs (same region, version, slots and TLB) prepares an mm and
 * counts the typed arrays the mm and the TLB hold (Machine.mmStateBytes(), tlbStateBytes()).
 * Probes are kept per configuration, so a sweep worker probes each once.
 *
 * That is the state a run starts with. Its mms then grow as they map: the first get of a
 * process on a CPU makes the page tables of that CPU's whole region and the checker's stamps
 * for it, 16 bytes a page (4 MiB for a region of 2^18 pages), and a task that migrates takes
 * its process to more CPUs (a run of 300,000 events with 512 processes migrating over 256 CPUs
 * held 10 GB after 30 s), and TLB pressure's touches make page tables for the user and direct-map
 * pages they reach. The machine's StateMeter counts those arrays as they are made, and what a
 * trace's process frees when it exits (Machine.exitMm()), and watchStateGrowth() stops the run
 * when the total passes the bound.
 */
import { totalmem } from 'node:os';
import { WASTED_VA_BYTES_PER_REGION } from '../analysis/metrics/index.js';
import type { RunConfig } from '../config/index.js';
import { Machine, type MachineConfig } from '../core/machine.js';
import { InputError } from '../util/input-error.js';
import { printable } from '../util/printable.js';

/**
 * The most simulator state one run may hold by default: 8 GiB (less on a machine with less:
 * stateBound()). A sweep holds one run per worker thread, and the project's machine has 24 GiB (docs/performance.md)
 * for its two. Runs near it take minutes to set up (22.9 GB took 91 s on that machine, November
 * 2026), so the bound also keeps a mistyped CPU count from looking like a hang.
 */
export const MAX_STATE_BYTES = 8 * 2 ** 30;

/** The environment variable that sets the bound instead, in whole GiB. */
export const MAX_STATE_ENV = 'MERMAP_LAB_MAX_STATE_GIB';

/**
 * The memory this process may use: the machine's (`os.totalmem()`), or the limit of the cgroup
 * it runs in when that is lower (a container's memory limit: `process.constrainedMemory()`,
 * which Node reads from cgroup v1 or v2 and reports as 0 or 2^64 when there is none).
 */
export function usableMemoryBytes(
  total: number = totalmem(),
  constrained: number | undefined = process.constrainedMemory?.(),
): number {
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

let processMemory: number | undefined;
/**
 * usableMemoryBytes() of this process, read once: reading the cgroup's limit takes about 15
 * microseconds, and a sweep checks each of its thousands of points when it plans them.
 */
function memoryOfThisProcess(): number {
  processMemory ??= usableMemoryBytes();
  return processMemory;
}

/** Where a run's bound comes from: the default, the memory (less than the default), the variable. */
type BoundSource = 'default' | 'memory' | 'env';

/**
 * The bound on a run's simulator state, in bytes, and where it comes from:
 *   default  MAX_STATE_BYTES
 *   memory   less, in whole GiB, where the memory this process may use is less
 *            (usableMemoryBytes(): in a container, its limit), so that a run the bound lets
 *            through is refused with its reason rather than killed for memory
 *   env      MERMAP_LAB_MAX_STATE_GIB whole GiB, from 1 up to that memory: more on a machine
 *            larger than the project's (a trace of many processes from a large machine)
 * A sweep's worker threads and the tasks of a Slurm array inherit the variable with the
 * environment. A value that is not such a number is bad input naming the variable; the results
 * of the runs the bound lets through do not depend on it.
 */
function stateBound(env: NodeJS.ProcessEnv, memoryBytes: number): { bytes: number; source: BoundSource } {
  const raw = env[MAX_STATE_ENV];
  const most = Math.max(1, Math.floor(memoryBytes / 2 ** 30));
  if (raw === undefined || raw.trim() === '') {
    return most * 2 ** 30 < MAX_STATE_BYTES
      ? { bytes: most * 2 ** 30, source: 'memory' }
      : { bytes: MAX_STATE_BYTES, source: 'default' };
  }
  const gib = /^[0-9]{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(gib >= 1 && gib <= most)) {
    throw new InputError(
      `${MAX_STATE_ENV}=${printable(raw)}: must be a whole number of GiB from 1 to ${most} (the memory this machine or its container allows)`,
      { field: MAX_STATE_ENV },
    );
  }
  return { bytes: gib * 2 ** 30, source: 'env' };
}

/** The bound on a run's simulator state, in bytes (stateBound()). */
export function maxStateBytes(env: NodeJS.ProcessEnv = process.env, memoryBytes = memoryOfThisProcess()): number {
  return stateBound(env, memoryBytes).bytes;
}

/** "8 GiB a run may", and where that comes from: how to raise it while it is the default */
function boundText(bound: { bytes: number; source: BoundSource }): string {
  const why =
    bound.source === 'default'
      ? `${MAX_STATE_ENV} raises it on a larger machine`
      : bound.source === 'memory'
        ? 'the memory this machine or its container allows'
        : MAX_STATE_ENV;
  return `${bound.bytes / 2 ** 30} GiB a run may (${why})`;
}

/**
 * JS heap an mm takes beyond its typed arrays (its record and the objects around the arrays):
 * measured at 3.2 to 3.5 KiB per mm over 1,000 mms after a GC (process.memoryUsage().heapUsed,
 * rfc-v1, 64 and 8,192 possible CPUs, Node 20.20, November 2026), rounded up.
 */
export const MM_HEAP_BYTES = 4 * 1024;

/** A run's state, by what it grows with. */
export interface StateSize {
  /** the estimate of the whole: bytes */
  bytes: number;
  /** per process, whatever the CPU counts (heap, page tables) */
  perMm: number;
  /** per process and possible CPU */
  perMmPossibleCpu: number;
  /** per process and online CPU (the metrics) */
  perMmOnlineCpu: number;
  /** per online CPU (its TLB models) */
  perOnlineCpu: number;
}

interface Probe {
  mm: number;
  perCpu: number;
  tlb: number;
}

const probes = new Map<string, Probe>();

/** The mm and TLB bytes of machine config `m` with 1 and with 2 possible CPUs. */
function probe(m: MachineConfig): Probe {
  const key = JSON.stringify({ ...m, possibleCpus: 0, onlineCpus: 0 });
  let p = probes.get(key);
  if (p === undefined) {
    const at = (possibleCpus: number) => {
      const machine = new Machine({ ...m, possibleCpus, onlineCpus: 1 });
      const mm = machine.createMm(true);
      return { mm: machine.mmStateBytes(mm), tlb: machine.tlbStateBytes(0) };
    };
    const one = at(1);
    const perCpu = at(2).mm - one.mm;
    p = { mm: one.mm - perCpu, perCpu, tlb: one.tlb };
    probes.set(key, p);
  }
  return p;
}

/** The state a run of machine config `m` with `mms` processes holds. */
export function stateSize(m: MachineConfig, mms: number): StateSize {
  const p = probe(m);
  const possible = m.possibleCpus;
  const online = m.onlineCpus ?? possible;
  const s = {
    perMm: MM_HEAP_BYTES + p.mm,
    perMmPossibleCpu: p.perCpu,
    perMmOnlineCpu: WASTED_VA_BYTES_PER_REGION,
    perOnlineCpu: p.tlb,
  };
  const bytes = mms * (s.perMm + possible * s.perMmPossibleCpu + online * s.perMmOnlineCpu) + online * s.perOnlineCpu;
  return { bytes, ...s };
}

const count = (n: number) => n.toLocaleString('en-US');
/** "4.0 MiB": bytes in the largest binary unit that keeps a whole number in front */
const size = (b: number) =>
  b >= 2 ** 30
    ? `${(b / 2 ** 30).toFixed(1)} GiB`
    : b >= 2 ** 20
      ? `${(b / 2 ** 20).toFixed(1)} MiB`
      : `${(b / 1024).toFixed(1)} KiB`;

/**
 * Refuse, as bad input, a run whose state would pass the bound (stateBound(); `memoryBytes`: what
 * the machine or its container allows). `processes` says where the mms come from, in the config's
 * words ("16,384 processes (machine.onlineCpus x workload.mmsPerCpu)", "100,000 processes of
 * trace.txt").
 */
export function checkStateSize(
  m: MachineConfig,
  mms: number,
  processes: string,
  memoryBytes = memoryOfThisProcess(),
): StateSize {
  const s = stateSize(m, mms);
  const bound = stateBound(process.env, memoryBytes);
  if (s.bytes <= bound.bytes) return s;
  const online = m.onlineCpus ?? m.possibleCpus;
  throw new InputError(
    `machine.possibleCpus: the run would hold about ${size(s.bytes)} of simulator state, ` +
      `more than the ${boundText(bound)}: ${processes} on ${count(m.possibleCpus)} ` +
      `possible CPUs, ${count(online)} of them online, at ${size(s.perMm)} a process, ` +
      `${count(s.perMmPossibleCpu)} bytes a process per possible CPU and ${count(s.perMmOnlineCpu)} per online CPU, ` +
      `and ${size(s.perOnlineCpu)} per online CPU's TLB; lower the CPU counts, the processes, or the region and slot sizes`,
    { field: 'machine.possibleCpus' },
  );
}

/**
 * Stop `machine`'s run, as bad input, when what it makes as it maps (Machine.stateMeter) takes
 * its state, `startBytes` when made, past the bound (maxStateBytes()).
 */
export function watchStateGrowth(machine: Machine, startBytes: number): void {
  const meter = machine.stateMeter;
  const { bytes: bound, source } = stateBound(process.env, memoryOfThisProcess());
  meter.limit = bound - startBytes;
  meter.onOver = (grown) => {
    const R = machine.geometry.regionPages;
    throw new InputError(
      `mermap.regionPages: the run's simulator state passed ${bound / 2 ** 30} GiB after ` +
        `${count(machine.clock.op)} events: ${size(startBytes)} when it started and ${size(grown)} made since, as its ` +
        `processes mapped pages (a process makes page tables and checker stamps for the whole region of each CPU it ` +
        `maps on, ${count(R)} pages, ${size(R * 16)}; TLB pressure's touches make page tables for the pages they ` +
        'reach); lower mermap.regionPages, the processes, how often their tasks migrate, or ' +
        `workload.tlbPressure.userPagesPerMm and globalPages${source === 'default' ? `, or raise ${MAX_STATE_ENV} on a larger machine` : ''}`,
      { field: 'mermap.regionPages' },
    );
  };
}

/** Where a run's processes come from, in the config's words, for checkStateSize(). */
export function processesOf(config: RunConfig, mms: number): string {
  const w = config.workload;
  const n = `${count(mms)} process${mms === 1 ? '' : 'es'}`;
  if (w.kind === 'unmapped-alloc') return `${n} (machine.onlineCpus x workload.mmsPerCpu)`;
  if (w.kind === 'ftrace') return `${n} of ${w.path}`;
  return n;
}
