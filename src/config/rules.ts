/**
 * The rules that tie fields together (a region must fit the mm-local slot, online <= possible ...).
 * Each runs only when the fields it reads are individually valid, so a config's problems are all
 * reported at once; an absent field counts as its schema default.
 */
import { LDT_REMAP_PAGES } from '../core/defaults.js';
import { pgdShiftPages } from '../core/paging/geometry.js';
import { PFN_LIMIT } from '../core/paging/pte.js';
import { ORDER_COUNT, PHYS_BASE_PFN } from './defaults.js';
import { formatValue, valueAt } from './issues.js';
import { MachineSchema, MermapSchema } from './schema.js';
import { MAX_OFFERED_LOAD, PID_MAX_LIMIT, REAL_LIMITS } from './limits.js';
import { MicrobenchSchema, TlbPressureSchema, UnmappedAllocSchema } from './workload-schema.js';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The raw value, or the field's schema default when it is absent. */
function orDefault(field: { parse(v: unknown): unknown }, raw: unknown): unknown {
  return raw === undefined ? field.parse(undefined) : raw;
}
/** Whether a raw value (or its default) passes its field's own schema. */
function fieldOk(field: { safeParse(v: unknown): { success: boolean } }, raw: unknown): boolean {
  return field.safeParse(raw).success;
}

/**
 * unmapped-alloc's arrivals, or null while a field they read is invalid: the rate while a burst
 * is on (the mean rate when not bursty) and the offered load, the share of a CPU's time the
 * zeroing asked of it would take (the mean rate x the mean pages per allocation of the order
 * weights x the time to zero a page). The generator draws every arrival at the rate while on;
 * past a load of 1 the CPU's backlog grows for good, and an event costs up to about `load` draws.
 */
function arrivals(
  get: (...p: string[]) => unknown,
): { rate: number; onRate: number; load: number; meanPages: number } | null {
  const w = UnmappedAllocSchema.shape;
  const fields = [
    'ratePerCpuHz',
    'orders',
    'zeroCyclesPerPage',
    'cpuGhz',
    'arrival',
    'burstOnUs',
    'burstOffUs',
  ] as const;
  const raw = (k: (typeof fields)[number]) => orDefault(w[k], get('workload', k));
  if (!fields.every((k) => fieldOk(w[k], raw(k)))) return null;
  const rate = raw('ratePerCpuHz') as number;
  const weights = raw('orders') as number[];
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return null;
  const meanPages = weights.reduce((a, x, order) => a + x * 2 ** order, 0) / sum;
  const on = raw('burstOnUs') as number;
  const onRate = raw('arrival') === 'bursty' ? (rate * (on + (raw('burstOffUs') as number))) / on : rate;
  const load = (rate * meanPages * (raw('zeroCyclesPerPage') as number)) / ((raw('cpuGhz') as number) * 1e9);
  return { rate, onRate, load, meanPages };
}

/** The online CPUs a valid config runs (machine.onlineCpus, else possible CPUs up to onlineCpusCap). */
function onlineOf(get: (...p: string[]) => unknown, possible: number): number {
  const online = get('machine', 'onlineCpus');
  const cap = get('machine', 'onlineCpusCap');
  return Math.min(possible, isInt(online) ? online : isInt(cap) ? cap : possible);
}

/**
 * Pages a microbench may map from the generators' first pfn (PHYS_BASE_PFN) and stay below
 * PFN_LIMIT, x86-64's 2^40 frames of 52-bit physical addresses (core/paging/pte.ts).
 */
const MAX_BUFFER_PAGES = PFN_LIMIT - PHYS_BASE_PFN;

/**
 * The microbench's buffers in window mode (src/workloads/microbench.ts): each online CPU's thread
 * maps `window` slots of the largest get's pages, from PHYS_BASE_PFN up; null in tight mode (one
 * slot a CPU: at most 2^31 pages) or while a field they read is invalid.
 */
function microbenchBuffers(
  get: (...p: string[]) => unknown,
  possible: number | null,
): { online: number; window: number; largest: number; pages: number } | null {
  const w = MicrobenchSchema.shape;
  const mode = orDefault(w.mode, get('workload', 'mode'));
  const window = orDefault(w.window, get('workload', 'window'));
  const sizes = w.sizes.safeParse(get('workload', 'sizes'));
  if (possible === null || mode !== 'window' || !fieldOk(w.window, window) || !sizes.success) return null;
  const s = sizes.data;
  const largest = s.dist === 'fixed' ? s.pages : s.dist === 'uniform' ? s.max : Math.max(...s.pages);
  const online = onlineOf(get, possible);
  return { online, window: window as number, largest, pages: online * (window as number) * largest };
}

/** Rules that tie fields together; each runs only when the fields it reads are individually valid. */
export function crossFieldIssues(input: unknown): string[] {
  const out: string[] = [];
  const get = (...p: string[]) => valueAt(input, p).value;
  const m = MachineSchema.shape;
  const possible = orDefault(m.possibleCpus, get('machine', 'possibleCpus'));
  const possibleOk = isInt(possible) && fieldOk(m.possibleCpus, possible);
  const online = get('machine', 'onlineCpus');
  if (possibleOk && isInt(online) && online >= 1 && online > possible) {
    out.push(`machine.onlineCpus: ${online} is not allowed: must be <= machine.possibleCpus (${possible})`);
  }
  const region = orDefault(MermapSchema.shape.regionPages, get('mermap', 'regionPages'));
  const regionOk = isInt(region) && fieldOk(MermapSchema.shape.regionPages, region);
  const levels = orDefault(m.pagingLevels, get('machine', 'pagingLevels'));
  if (possibleOk && regionOk && (levels === 4 || levels === 5)) {
    // The mermap must fit in the mm-local PGD slot after the LDT remap (facts §4.1, §4.2).
    const slotPages = 2 ** pgdShiftPages(levels);
    if (LDT_REMAP_PAGES + possible * region > slotPages) {
      const most = Math.floor((slotPages - LDT_REMAP_PAGES) / possible);
      out.push(
        `mermap.regionPages: ${region} is not allowed: ${possible} CPUs x ${region} pages do not fit in the ` +
          `mm-local PGD slot with ${levels}-level paging (at most ${most} pages per CPU)`,
      );
    }
  }
  const block = get('mermap', 'vmapBlockPages');
  if (isInt(block) && block >= 1 && regionOk && block > region) {
    out.push(
      `mermap.vmapBlockPages: ${block} is not allowed: a block must fit in the region (at most mermap.regionPages = ${region})`,
    );
  }
  const kind = get('workload', 'kind');
  if (kind === 'unmapped-alloc') {
    const orders = get('workload', 'orders');
    if (Array.isArray(orders) && orders.length === ORDER_COUNT && orders.every((w) => isNum(w) && w >= 0)) {
      if (!(orders as number[]).some((w) => w > 0)) {
        out.push(`workload.orders: ${formatValue(orders)} is not allowed: must have a positive sum`);
      }
    }
  }
  if (kind === 'unmapped-alloc') {
    const w = UnmappedAllocSchema.shape;
    const mms = orDefault(w.mmsPerCpu, get('workload', 'mmsPerCpu'));
    const threads = orDefault(w.threadsPerMm, get('workload', 'threadsPerMm'));
    if (possibleOk && fieldOk(w.mmsPerCpu, mms) && fieldOk(w.threadsPerMm, threads)) {
      const tasks = onlineOf(get, possible) * (mms as number) * (threads as number);
      if (tasks > PID_MAX_LIMIT) {
        out.push(
          `workload.threadsPerMm: ${threads} is not allowed: ${tasks} tasks (online CPUs x mmsPerCpu x threadsPerMm) ` +
            `are more than PID_MAX_LIMIT (${PID_MAX_LIMIT})`,
        );
      }
    }
    const a = arrivals(get);
    if (a !== null && a.onRate > REAL_LIMITS.ratePerCpuHz.max) {
      out.push(
        `workload.ratePerCpuHz: ${a.rate} is not allowed: while a burst is on it is ${a.onRate.toPrecision(3)} Hz ` +
          `(x (burstOnUs + burstOffUs) / burstOnUs), more than ${REAL_LIMITS.ratePerCpuHz.max}`,
      );
    }
    if (a !== null && a.load > MAX_OFFERED_LOAD) {
      out.push(
        `workload.ratePerCpuHz: ${a.rate} is not allowed: it offers each CPU ${a.load.toPrecision(3)} times ` +
          `the zeroing it can do (rate x ${a.meanPages.toPrecision(3)} pages per allocation x zeroCyclesPerPage / ` +
          `cpuGhz), more than ${MAX_OFFERED_LOAD}`,
      );
    }
  }
  if (kind === 'microbench') {
    const sizes = get('workload', 'sizes') as Record<string, unknown> | undefined;
    if (sizes && typeof sizes === 'object') {
      if (sizes.dist === 'uniform' && isInt(sizes.min) && isInt(sizes.max) && sizes.min >= 1 && sizes.max < sizes.min) {
        out.push(`workload.sizes.max: ${sizes.max} is not allowed: must be >= workload.sizes.min (${sizes.min})`);
      }
      if (sizes.dist === 'table' && Array.isArray(sizes.pages) && Array.isArray(sizes.weights)) {
        if (sizes.pages.length !== sizes.weights.length) {
          out.push(
            `workload.sizes.weights: ${formatValue(sizes.weights)} is not allowed: must have one weight per entry of ` +
              `workload.sizes.pages (${sizes.pages.length})`,
          );
        } else if (sizes.weights.every((w) => isNum(w) && w >= 0) && !sizes.weights.some((w) => (w as number) > 0)) {
          out.push(`workload.sizes.weights: ${formatValue(sizes.weights)} is not allowed: must have a positive sum`);
        }
      }
    }
    const buffers = microbenchBuffers(get, possibleOk ? (possible as number) : null);
    if (buffers !== null && buffers.pages > MAX_BUFFER_PAGES) {
      out.push(
        `workload.window: ${buffers.window} is not allowed: ${buffers.online} online CPUs x ${buffers.window} ` +
          `live mappings x ${buffers.largest} pages (the largest get) come to ${buffers.pages} pages of buffers, ` +
          `past x86-64's 52-bit physical addresses (at most ${MAX_BUFFER_PAGES} pages from pfn 0x${PHYS_BASE_PFN.toString(16)})`,
      );
    }
  }
  const tp = get('workload', 'tlbPressure') as Record<string, unknown> | undefined;
  if (tp && typeof tp === 'object') {
    const t = TlbPressureSchema.shape;
    const touches = orDefault(t.touchesPerOp, tp.touchesPerOp);
    const gf = orDefault(t.globalFraction, tp.globalFraction);
    const user = orDefault(t.userPagesPerMm, tp.userPagesPerMm);
    const glob = orDefault(t.globalPages, tp.globalPages);
    if (isNum(touches) && touches > 0 && isNum(gf) && gf >= 0 && gf <= 1) {
      if (gf < 1 && user === 0) {
        out.push('workload.tlbPressure.userPagesPerMm: 0 is not allowed: must be >= 1 while globalFraction < 1');
      }
      if (gf > 0 && glob === 0) {
        out.push('workload.tlbPressure.globalPages: 0 is not allowed: must be >= 1 while globalFraction > 0');
      }
    }
  }
  const length = get('length');
  if (length && typeof length === 'object' && !Array.isArray(length)) {
    const l = length as Record<string, unknown>;
    if (l.events === undefined && l.seconds === undefined) {
      out.push(`length: ${formatValue(length)} is not allowed: must give events, seconds or both`);
    }
  }
  return out;
}
