import type { Violation } from './violations.js';
import { MAX_REGION_PAGES } from './defaults.js';
import { Machine, type MachineConfig } from './machine.js';
import { reasonName } from './mermap/reasons.js';
import { cpuBaseVpn } from './paging/geometry.js';
import { Pte } from './paging/pte.js';

/**
 * The replay contract: one op in, one result out, used to check the model against the kernel.
 *
 * The machine has one mm, prepared, and one task pinned to each CPU. A reserved get is made as
 * clear_page_mermap()'s slow path makes it: local_irq_save() first, IRQs restored after the
 * put of that allocation (or at once if the get fails). A put the allocator refuses (kmap-local's
 * not_lifo) is reported with ok false and its reason, and the tag stays live.
 */
export type ReplayOp =
  | { op: 'get'; cpu: number; pages: number; tag: string; reserved: boolean; prot: 'global' | 'noglobal' }
  | { op: 'put'; tag: string };

export interface ReplayViolation {
  kind: string;
  cpu: number;
  detail: string;
}

export interface ReplayGetResult {
  i: number;
  ok: boolean;
  offset: number | null;
  reason: string | null;
  flushes: number;
  violations: ReplayViolation[];
}
export interface ReplayPutResult {
  i: number;
  /** false when the allocator refused the put (kmap-local: not_lifo); the tag stays live */
  ok: boolean;
  /** only on a refused put */
  reason?: string;
  flushes: number;
  violations: ReplayViolation[];
}
export type ReplayResult = ReplayGetResult | ReplayPutResult;

export class ReplayError extends Error {}

interface Live {
  task: number;
  cpu: number;
  handle: number;
  reserved: boolean;
}

export class Replayer {
  readonly machine: Machine;
  readonly mm: number;
  private readonly tasks: number[] = [];
  private readonly live = new Map<string, Live>();
  private pending: ReplayViolation[] = [];
  private i = 0;

  constructor(cfg: MachineConfig) {
    this.machine = new Machine(cfg);
    this.mm = this.machine.createMm(true);
    for (let c = 0; c < cfg.possibleCpus; c++) this.tasks.push(this.machine.createTask(this.mm, c));
    this.machine.checker.onViolation = (v: Violation) => {
      this.pending.push({ kind: v.kind, cpu: v.cpu, detail: v.detail });
    };
  }

  /** Apply one op; throws ReplayError (message without the line) for a bad cpu or a tag not live. */
  apply(op: ReplayOp): ReplayResult {
    const m = this.machine;
    m.clock.op = this.i;
    this.pending = [];
    if (op.op === 'get') {
      if (!Number.isInteger(op.cpu) || op.cpu < 0 || op.cpu >= m.onlineCpus) {
        throw new ReplayError(`cpu ${op.cpu} is not an online CPU (0..${m.onlineCpus - 1})`);
      }
      if (this.live.has(op.tag)) throw new ReplayError(`tag "${op.tag}" is already live`);
      const task = this.tasks[op.cpu];
      if (op.reserved) m.localIrqSave(task);
      const prot = op.prot === 'global' ? Pte.KERNEL_GLOBAL : Pte.KERNEL_NOGLOBAL;
      const pfn = 0x100000 + this.i * 0x1000;
      const h = m.mermapGet(task, op.pages, pfn, prot, op.reserved);
      const flushes = m.flushCount(op.cpu);
      const res: ReplayGetResult = {
        i: this.i++,
        ok: h >= 0,
        offset: null,
        reason: null,
        flushes,
        violations: this.pending,
      };
      if (h >= 0) {
        res.offset = m.allocator(this.mm).lastBase - cpuBaseVpn(m.geometry, op.cpu);
        this.live.set(op.tag, { task, cpu: op.cpu, handle: h, reserved: op.reserved });
      } else {
        res.reason = reasonName(h);
        if (op.reserved) m.localIrqRestore(task);
      }
      return res;
    }
    const l = this.live.get(op.tag);
    if (l === undefined) throw new ReplayError(`put of tag "${op.tag}", which is not live`);
    const r = m.mermapPut(l.task, l.handle);
    if (r < 0)
      return { i: this.i++, ok: false, reason: reasonName(r), flushes: m.flushCount(l.cpu), violations: this.pending };
    this.live.delete(op.tag);
    if (l.reserved) m.localIrqRestore(l.task);
    return { i: this.i++, ok: true, flushes: m.flushCount(l.cpu), violations: this.pending };
  }

  liveTags(): string[] {
    return [...this.live.keys()];
  }
}

/**
 * Parse one line of an op script. Returns null for a blank line; throws ReplayError with a
 * message naming what is wrong (the caller adds file:line).
 *   {"op":"get","cpu":0,"pages":N,"tag":"a"}   optional "reserved":true, "prot":"global"
 *   {"op":"put","tag":"a"}
 */
/** The fields each op may have; any other is refused, so a misspelt "reserved" is not a normal get. */
const OP_FIELDS = {
  get: ['op', 'tag', 'cpu', 'pages', 'reserved', 'prot'],
  put: ['op', 'tag'],
} as const;

function unknownField(o: Record<string, unknown>, op: keyof typeof OP_FIELDS): void {
  const allowed: readonly string[] = OP_FIELDS[op];
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra === undefined) return;
  const why = op === 'put' ? ' (a put runs on the CPU of its get)' : '';
  throw new ReplayError(`unknown field ${JSON.stringify(extra)}: a ${op}'s fields are ${allowed.join(', ')}${why}`);
}

export function parseReplayLine(line: string): ReplayOp | null {
  const text = line.trim();
  if (text === '') return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ReplayError('not a JSON object');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ReplayError('not a JSON object');
  const o = v as Record<string, unknown>;
  const tag = o.tag;
  if (typeof tag !== 'string' || tag === '') throw new ReplayError('"tag" must be a non-empty string');
  if (o.op === 'get') {
    unknownField(o, 'get');
    const cpu = o.cpu ?? 0;
    if (typeof cpu !== 'number' || !Number.isInteger(cpu) || cpu < 0)
      throw new ReplayError(`"cpu" must be a whole number >= 0, got ${JSON.stringify(cpu)}`);
    const pages = o.pages;
    if (typeof pages !== 'number' || !Number.isInteger(pages) || pages < 1 || pages > MAX_REGION_PAGES)
      throw new ReplayError(`"pages" must be a whole number in 1..${MAX_REGION_PAGES}, got ${JSON.stringify(pages)}`);
    const reserved = o.reserved ?? false;
    if (typeof reserved !== 'boolean') throw new ReplayError('"reserved" must be true or false');
    const prot = o.prot ?? 'noglobal';
    if (prot !== 'global' && prot !== 'noglobal')
      throw new ReplayError(`"prot" must be "global" or "noglobal", got ${JSON.stringify(prot)}`);
    return { op: 'get', cpu, pages, tag, reserved, prot };
  }
  if (o.op === 'put') {
    unknownField(o, 'put');
    return { op: 'put', tag };
  }
  throw new ReplayError(`unknown op ${JSON.stringify(o.op)}: allowed are "get" and "put"`);
}
