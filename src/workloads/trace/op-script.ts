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
 * required, `prot` is "global" or "noglobal" (default), any other field is refused, blank lines
 * are skipped. Errors name file:line: a line that is not a JSON object, an unknown op, a bad
 * value, a get of a tag that is live, a put of a tag that is not.
 *
 * As a workload: one task per online CPU, all in mm 0; op i happens at time i * opSpacingNs; each
 * get maps its own pfns (a bump allocator). A reserved get must be of 1 page there: the RESERVED
 * event maps exactly one. The script is streamed, never held in memory: read once to check it,
 * then again as the events are emitted.
 */
import { InputLineError } from '../../util/input-error.js';
import { type EventChunk, type EventSource, type WorkloadTopology, Ev, EvFlag } from '../events.js';
import { parseReplayLine, ReplayError, type ReplayOp } from '../../core/replay.js';
import { PHYS_BASE_PFN } from '../../config/defaults.js';
import { LineReader } from './lines.js';

export type Op =
  | { op: 'get'; line: number; cpu: number; pages: number; tag: string; reserved: boolean; prot: 'global' | 'noglobal' }
  | { op: 'put'; line: number; cpu: number; tag: string };

export class OpScriptError extends InputLineError {
  override name = 'OpScriptError';
}

/** An op script to read: a file, or a text. */
export type OpScriptInput = { path: string } | { text: string };

function openScript(input: OpScriptInput, file: string): LineReader {
  return 'path' in input ? LineReader.open(input.path) : LineReader.ofText(input.text, {}, file);
}

/**
 * Reads an op script line by line (the one line splitter, lines.ts) and checks what a whole
 * script must keep: each line's grammar is the replay's own (parseReplayLine,
 * src/core/replay.ts); a tag is live once at a time; a put names a live tag; and, when
 * `onlineCpus` is given, what a workload needs (an online CPU, 1-page reserved gets). Memory
 * holds the live tags only. Throws OpScriptError (file:line: message) at the first bad line.
 */
class OpReader {
  /** tag -> cpu of the live get */
  private readonly live = new Map<string, number>();

  constructor(
    private readonly r: LineReader,
    private readonly file: string,
    private readonly onlineCpus = Infinity,
  ) {}

  next(): Op | null {
    for (let text = this.r.next(); text !== null; text = this.r.next()) {
      const lineNo = this.r.lineNo;
      let o: ReplayOp | null;
      try {
        o = parseReplayLine(text);
      } catch (e) {
        if (e instanceof ReplayError) throw new OpScriptError(this.file, lineNo, e.message);
        throw e;
      }
      if (o === null) continue;
      if (o.op === 'get') {
        if (this.live.has(o.tag))
          throw new OpScriptError(this.file, lineNo, `tag ${JSON.stringify(o.tag)} is already live`);
        if (o.cpu >= this.onlineCpus) {
          throw new OpScriptError(this.file, lineNo, `cpu ${o.cpu} is not an online CPU (0..${this.onlineCpus - 1})`);
        }
        if (this.onlineCpus !== Infinity && o.reserved && o.pages !== 1) {
          throw new OpScriptError(
            this.file,
            lineNo,
            `a reserved get of ${o.pages} pages: a workload's reserved get maps exactly 1 page`,
          );
        }
        this.live.set(o.tag, o.cpu);
        return { ...o, line: lineNo };
      }
      const holder = this.live.get(o.tag);
      if (holder === undefined)
        throw new OpScriptError(this.file, lineNo, `put of tag ${JSON.stringify(o.tag)}, which is not live`);
      this.live.delete(o.tag);
      return { op: 'put', line: lineNo, cpu: holder, tag: o.tag };
    }
    this.r.close();
    return null;
  }

  close(): void {
    this.r.close();
  }
}

/** Parse a whole op script into ops (small scripts, tests); throws OpScriptError. */
export function parseOpScript(text: string, file = 'ops'): Op[] {
  const r = new OpReader(LineReader.ofText(text, {}, file), file);
  const ops: Op[] = [];
  for (let o = r.next(); o !== null; o = r.next()) ops.push(o);
  return ops;
}

/** What the stream keeps of a live get until its put. */
interface LiveGet {
  id: number;
  pages: number;
  pfn: number;
  flags: number;
}

/**
 * An op script as a workload (see the file comment), streamed: the constructor reads the script
 * once to check it and count its ops, fill() reads it again and emits as it goes, so memory
 * holds the live gets only, not the script.
 */
export class OpScriptSource implements EventSource {
  readonly topology: WorkloadTopology;
  /** ops in the script */
  readonly count: number;
  private readonly input: OpScriptInput;
  private readonly file: string;
  private readonly spacingNs: number;
  private readonly cpus: number;
  private reader: OpReader | null = null;
  private readonly live = new Map<string, LiveGet>();
  private bump = PHYS_BASE_PFN;
  private switched = 0;
  private next = 0;

  /**
   * @param input the script (a file or a text)
   * @param onlineCpus CPUs of the machine; every op's cpu must be below it
   * @param file for error messages
   */
  constructor(input: OpScriptInput, onlineCpus: number, spacingNs = 1000, file = 'ops') {
    this.input = input;
    this.file = file;
    this.spacingNs = spacingNs;
    this.cpus = onlineCpus;
    const check = new OpReader(openScript(input, file), file, onlineCpus);
    let n = 0;
    try {
      while (check.next() !== null) n++;
    } finally {
      check.close();
    }
    this.count = n;
    const taskCpu = new Int32Array(onlineCpus);
    for (let c = 0; c < onlineCpus; c++) taskCpu[c] = c;
    this.topology = { taskMm: new Int32Array(onlineCpus), taskCpu, mms: 1 };
  }

  fill(chunk: EventChunk): boolean {
    chunk.length = 0;
    while (chunk.length < chunk.capacity) {
      if (this.switched < this.cpus) {
        const c = this.switched++;
        chunk.push(Ev.SWITCH, 0, c, c, 0, 0, -1, 0);
        continue;
      }
      if (this.next >= this.count) return false;
      if (this.reader === null) this.reader = new OpReader(openScript(this.input, this.file), this.file, this.cpus);
      const op = this.reader.next();
      if (op === null) return false;
      const i = this.next++;
      const t = Math.round(i * this.spacingNs);
      const c = op.cpu;
      if (op.op === 'get') {
        const flags = op.prot === 'global' ? EvFlag.PROT_GLOBAL : 0;
        const pfn = this.bump;
        this.bump += op.pages;
        this.live.set(op.tag, { id: i, pages: op.pages, pfn, flags });
        if (op.reserved) chunk.push(Ev.RESERVED, t, c, c, pfn, i, pfn, flags);
        else chunk.push(Ev.GET, t, c, c, op.pages, i, pfn, flags);
      } else {
        const g = this.live.get(op.tag)!;
        this.live.delete(op.tag);
        chunk.push(Ev.PUT, t, c, c, g.pages, g.id, g.pfn, g.flags);
      }
    }
    if (this.next >= this.count) {
      this.reader?.close();
      return false;
    }
    return true;
  }
}
