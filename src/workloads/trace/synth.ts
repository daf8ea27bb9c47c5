/**
 * A synthetic ftrace text (tracefs `trace` format, with the irq-flags column), seeded: for the
 * benchmark's large traces and for notebooks that need a trace without a kernel to record one.
 * It is not a model of a real machine: a few user processes and kernel threads allocate pages
 * of orders 0..3 (rarely 9) with common gfp flag sets and free them later; some allocations run
 * in softirq context. Lines come in time order, CPUs interleaved, as tracefs prints them.
 */
import { createUniform, type Seed } from '../rng.js';

export interface SyntheticTraceOptions {
  /** alloc and free lines, about half each */
  events: number;
  /** CPUs (#P:N). Default 4 */
  cpus?: number;
  /** Default 1 */
  seed?: Seed;
  /** mean time between events, µs. Default 5 */
  meanGapUs?: number;
}

const TASKS = [
  { comm: 'postgres', pid: 2101, tgid: 2101 },
  { comm: 'postgres', pid: 2102, tgid: 2101 },
  { comm: 'nginx', pid: 1733, tgid: 1733 },
  { comm: 'qemu-kvm', pid: 4402, tgid: 4402 },
  { comm: 'bash', pid: 1977, tgid: 1977 },
  { comm: 'kworker/u8:2', pid: 88, tgid: 88 },
  { comm: 'kswapd0', pid: 61, tgid: 61 },
];
const GFP = [
  'GFP_KERNEL',
  'GFP_KERNEL|__GFP_ZERO',
  'GFP_HIGHUSER_MOVABLE|__GFP_ZERO',
  'GFP_NOWAIT|__GFP_NOWARN',
  'GFP_KERNEL_ACCOUNT|__GFP_ZERO',
];
/** order weights 0..3 and 9 (cumulative) */
const ORDER_CUM = [0.7, 0.85, 0.93, 0.995, 1];
const ORDERS = [0, 1, 2, 3, 9];
const LIVE = 4096;

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** The trace's lines (without line ends), header first. */
export function* syntheticTrace(opts: SyntheticTraceOptions): Generator<string> {
  const cpus = opts.cpus ?? 4;
  const u = createUniform(opts.seed ?? 1, 'synthetic-trace');
  const gap = (opts.meanGapUs ?? 5) * 1000;
  yield '# tracer: nop';
  yield '#';
  yield `# entries-in-buffer/entries-written: ${opts.events}/${opts.events}   #P:${cpus}`;
  yield '#';
  yield '#           TASK-PID     TGID    CPU#  |||||  TIMESTAMP  FUNCTION';
  let tNs = 1_000_000_000_000; // 1000 s of uptime
  let nextPfn = 0x100000;
  const livePfn = new Float64Array(LIVE);
  const liveOrder = new Int8Array(LIVE);
  let live = 0;
  for (let i = 0; i < opts.events; i++) {
    tNs += Math.max(1000, Math.round(-Math.log(1 - u()) * gap));
    const cpu = Math.floor(u() * cpus);
    const task = TASKS[Math.floor(u() * TASKS.length)]!;
    const softirq = u() < 0.05;
    const flags = softirq ? '..s1.' : '.....';
    const secs = Math.floor(tNs / 1e9);
    const us = Math.floor((tNs % 1e9) / 1000);
    const head = `${pad(`${task.comm}-${task.pid}`, 16)} (${pad(String(task.tgid), 7)}) [${String(cpu).padStart(3, '0')}] ${flags} ${pad(String(secs), 5)}.${String(us).padStart(6, '0')}:`;
    const freeIt = live === LIVE || (live > 0 && u() < 0.5);
    if (freeIt) {
      const k = Math.floor(u() * live);
      const pfn = livePfn[k]!;
      const order = liveOrder[k]!;
      live--;
      livePfn[k] = livePfn[live]!;
      liveOrder[k] = liveOrder[live]!;
      yield `${head} mm_page_free: page=00000000${(pfn * 64).toString(16).padStart(8, '0')} pfn=0x${pfn.toString(16)} order=${order}`;
    } else {
      const r = u();
      let o = 0;
      while (r > ORDER_CUM[o]!) o++;
      const order = ORDERS[o]!;
      const pfn = nextPfn;
      nextPfn += 1 << order;
      livePfn[live] = pfn;
      liveOrder[live] = order;
      live++;
      const gfp = GFP[Math.floor(u() * GFP.length)]!;
      yield `${head} mm_page_alloc: page=00000000${(pfn * 64).toString(16).padStart(8, '0')} pfn=0x${pfn.toString(16)} order=${order} migratetype=0 gfp_flags=${gfp}`;
    }
  }
}
