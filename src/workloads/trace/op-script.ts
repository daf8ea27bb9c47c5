/**
 * Op scripts: the replay format of the core issue, one JSON object per line.
 *
 *   {"op":"get","cpu":0,"pages":4,"tag":"a"}                  a normal get of 4 pages on CPU 0
 *   {"op":"get","cpu":1,"pages":1,"reserved":true,"tag":"r"}  a reserved get
 *   {"op":"get","pages":1,"tag":"g","prot":"global"}          a global prot (refused by rfc-v1 and later)
 *   {"op":"put","tag":"a"}                                    put the live get tagged "a", on its CPU
 *
 * The grammar and the messages are those of the core's replay (src/core/replay.ts), so a script
 * means the same in `mermap-lab replay` and as a workload: `cpu` defaults to 0, `pages` is
 * required, `prot` is "global" or "noglobal" (default), other fields are ignored, blank lines
 * are skipped. Errors name file:line: a line that is not a JSON object, an unknown op, a bad
 * value, a get of a tag that is live, a put of a tag that is not.
 *
 * As a workload: one task per online CPU, all in mm 0; op i happens at time i * opSpacingNs; each
 * get maps its own pfns (a bump allocator). A reserved get must be of 1 page there: the RESERVED
 * event maps exactly one.
 */
import { InputError } from '../../config/errors.js';
import {
  EV_GET,
  EV_PUT,
  EV_RESERVED,
  EV_SWITCH,
  FLAG_PROT_GLOBAL,
  type EventChunk,
  type EventSource,
  type WorkloadTopology,
} from '../events.js';
import { parseReplayLine, ReplayError, type ReplayOp } from '../../core/replay.js';
import { PHYS_BASE_PFN } from '../sched/phys.js';

export type Op =
  | { op: 'get'; line: number; cpu: number; pages: number; tag: string; reserved: boolean; prot: 'global' | 'noglobal' }
  | { op: 'put'; line: number; cpu: number; tag: string };

export class OpScriptError extends InputError {
  constructor(
    file: string,
    line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`, { file, line });
    this.name = 'OpScriptError';
  }
}

/**
 * Parse an op script. Throws OpScriptError (file:line: message) at the first bad line. Each
 * line's grammar is the replay's own (parseReplayLine, src/core/replay.ts); this adds what a
 * whole script must keep: a tag is live once at a time, a put names a live tag.
 */
export function parseOpScript(text: string, file = 'ops'): Op[] {
  const ops: Op[] = [];
  /** tag -> cpu of the live get */
  const live = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let o: ReplayOp | null;
    try {
      o = parseReplayLine(lines[i]!);
    } catch (e) {
      if (e instanceof ReplayError) throw new OpScriptError(file, lineNo, e.message);
      throw e;
    }
    if (o === null) continue;
    if (o.op === 'get') {
      if (live.has(o.tag)) throw new OpScriptError(file, lineNo, `tag ${JSON.stringify(o.tag)} is already live`);
      live.set(o.tag, o.cpu);
      ops.push({ ...o, line: lineNo });
    } else {
      const holder = live.get(o.tag);
      if (holder === undefined)
        throw new OpScriptError(file, lineNo, `put of tag ${JSON.stringify(o.tag)}, which is not live`);
      live.delete(o.tag);
      ops.push({ op: 'put', line: lineNo, cpu: holder, tag: o.tag });
    }
  }
  return ops;
}

/** An op script as a workload (see the file comment). */
export class OpScriptSource implements EventSource {
  readonly topology: WorkloadTopology;
  private readonly kind: Uint8Array;
  private readonly cpu: Int32Array;
  private readonly a: Float64Array;
  private readonly id: Float64Array;
  private readonly pfn: Float64Array;
  private readonly flags: Uint8Array;
  private readonly count: number;
  private readonly spacingNs: number;
  private readonly cpus: number;
  private switched = 0;
  private next = 0;

  /**
   * @param ops parsed ops
   * @param onlineCpus CPUs of the machine; every op's cpu must be below it
   * @param file for error messages
   */
  constructor(ops: readonly Op[], onlineCpus: number, spacingNs = 1000, file = 'ops') {
    const n = ops.length;
    this.count = n;
    this.spacingNs = spacingNs;
    this.cpus = onlineCpus;
    this.kind = new Uint8Array(n);
    this.cpu = new Int32Array(n);
    this.a = new Float64Array(n);
    this.id = new Float64Array(n);
    this.pfn = new Float64Array(n);
    this.flags = new Uint8Array(n);
    const tagId = new Map<string, number>();
    const tagPages = new Map<string, number>();
    const tagPfn = new Map<string, number>();
    let bump = PHYS_BASE_PFN;
    for (let i = 0; i < n; i++) {
      const op = ops[i]!;
      if (op.cpu >= onlineCpus) {
        throw new OpScriptError(file, op.line, `cpu ${op.cpu} is not an online CPU (0..${onlineCpus - 1})`);
      }
      if (op.op === 'get' && op.reserved && op.pages !== 1) {
        throw new OpScriptError(
          file,
          op.line,
          `a reserved get of ${op.pages} pages: a workload's reserved get maps exactly 1 page`,
        );
      }
      this.cpu[i] = op.cpu;
      if (op.op === 'get') {
        this.kind[i] = op.reserved ? EV_RESERVED : EV_GET;
        this.id[i] = i;
        this.pfn[i] = bump;
        this.a[i] = op.reserved ? bump : op.pages;
        this.flags[i] = op.prot === 'global' ? FLAG_PROT_GLOBAL : 0;
        tagId.set(op.tag, i);
        tagPages.set(op.tag, op.pages);
        tagPfn.set(op.tag, bump);
        bump += op.pages;
      } else {
        const gi = tagId.get(op.tag)!;
        this.kind[i] = EV_PUT;
        this.id[i] = gi;
        this.a[i] = tagPages.get(op.tag)!;
        this.pfn[i] = tagPfn.get(op.tag)!;
        this.flags[i] = this.flags[gi]!;
      }
    }
    const taskCpu = new Int32Array(onlineCpus);
    for (let c = 0; c < onlineCpus; c++) taskCpu[c] = c;
    this.topology = { taskMm: new Int32Array(onlineCpus), taskCpu, mms: 1 };
  }

  fill(chunk: EventChunk): boolean {
    chunk.length = 0;
    while (chunk.length < chunk.capacity) {
      if (this.switched < this.cpus) {
        const c = this.switched++;
        chunk.push(EV_SWITCH, 0, c, c, 0, 0, -1, 0);
        continue;
      }
      const i = this.next;
      if (i >= this.count) return false;
      this.next++;
      const c = this.cpu[i]!;
      chunk.push(
        this.kind[i]!,
        Math.round(i * this.spacingNs),
        c,
        c,
        this.a[i]!,
        this.id[i]!,
        this.pfn[i]!,
        this.flags[i]!,
      );
    }
    return this.next < this.count;
  }
}
