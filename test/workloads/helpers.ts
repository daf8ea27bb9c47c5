import {
  EV_EXIT,
  EV_FREE,
  EV_GET,
  EV_MIGRATE,
  EV_PUT,
  EV_RESERVED,
  EV_SWITCH,
  EV_TOUCH,
  EventChunk,
  type EventSource,
} from '../../src/workloads/events.js';

export interface StreamFacts {
  events: number;
  byKind: Record<string, number>;
  /** most mappings live at once on one CPU within one mm */
  maxLivePerCpuMm: number;
  /** most mappings live at once on one CPU (any mm) */
  maxLivePerCpu: number;
  /** GET sizes seen: pages -> count */
  getPages: Map<number, number>;
  /** time of each GET, per CPU (only when keepTimes) */
  getTimes: number[][];
  lastTime: number;
}

/**
 * Drain a source and check the stream contract of events.ts, throwing on the first breach:
 * non-decreasing times; CPUs online; a SWITCH first on every CPU; SWITCH only to a task on that
 * CPU; GET/RESERVED ids unique; PUT of a live id, same task, CPU, pages and pfn; MIGRATE only of a
 * task that holds nothing and is not running; FREE ranges not mapped by a live GET; TOUCH by the
 * CPU's current task; EXIT of an mm once, when no task of it holds a mapping, and no event of its
 * tasks after it; with distinctPfns, live GET ranges never overlap.
 */
export function checkStream(
  source: EventSource,
  online: number,
  opts: { maxEvents?: number; keepTimes?: boolean; allowLiveAtEnd?: boolean; distinctPfns?: boolean } = {},
): StreamFacts {
  const chunk = new EventChunk(997); // an odd size, to cross chunk boundaries anywhere
  const topo = source.topology;
  const taskCpu = Int32Array.from(topo.taskCpu);
  const holding = new Int32Array(topo.taskMm.length);
  const cur = new Int32Array(online).fill(-1);
  const live = new Map<number, { task: number; cpu: number; pages: number; pfn: number }>();
  const seen = new Set<number>();
  const liveByCpuMm = new Map<number, number>();
  const liveByCpu = new Int32Array(online);
  const facts: StreamFacts = {
    events: 0,
    byKind: {},
    maxLivePerCpuMm: 0,
    maxLivePerCpu: 0,
    getPages: new Map(),
    getTimes: Array.from({ length: online }, () => []),
    lastTime: 0,
  };
  const names = ['?', 'get', 'put', 'free', 'switch', 'migrate', 'touch', 'reserved', 'exit'];
  const exited = new Uint8Array(topo.mms);
  let last = -Infinity;
  let more = true;
  const max = opts.maxEvents ?? Infinity;
  const fail = (msg: string, i: number): never => {
    throw new Error(`event ${facts.events + i}: ${msg}`);
  };
  while (more && facts.events < max) {
    more = source.fill(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const k = chunk.kind[i]!;
      const t = chunk.time[i]!;
      const c = chunk.cpu[i]!;
      const task = chunk.task[i]!;
      const name = names[k] ?? `kind${k}`;
      facts.byKind[name] = (facts.byKind[name] ?? 0) + 1;
      if (!(t >= last)) fail(`time ${t} < ${last}`, i);
      if (!Number.isInteger(t)) fail(`time ${t} is not whole ns`, i);
      last = t;
      if (k === EV_FREE) {
        if (c !== -1 || task !== -1) fail('FREE with a cpu or task', i);
        const pfn = chunk.a[i]!;
        const pages = chunk.b[i]!;
        if (chunk.pfn[i] !== pfn) fail('FREE pfn column differs from a', i);
        for (const l of live.values()) {
          if (l.pfn < pfn + pages && pfn < l.pfn + l.pages) fail(`FREE of pfn ${pfn} while mapped by a live GET`, i);
        }
        continue;
      }
      if (k === EV_EXIT) {
        const mm = chunk.a[i]!;
        if (c !== -1 || task !== -1) fail('EXIT with a cpu or task', i);
        if (!(mm >= 0 && mm < topo.mms) || exited[mm]) fail(`EXIT of mm ${mm} twice or not an mm`, i);
        for (let k2 = 0; k2 < topo.taskMm.length; k2++) {
          if (topo.taskMm[k2] === mm && holding[k2]! > 0) fail(`EXIT of mm ${mm} while task ${k2} holds a mapping`, i);
        }
        exited[mm] = 1;
        continue;
      }
      if (!(c >= 0 && c < online)) fail(`cpu ${c} not online`, i);
      if (exited[topo.taskMm[task]!]) fail(`event of task ${task} after its mm exited`, i);
      if (k !== EV_SWITCH && cur[c] === -1) fail(`first event of cpu ${c} is not a SWITCH`, i);
      const mm = topo.taskMm[task]!;
      switch (k) {
        case EV_SWITCH:
          if (taskCpu[task] !== c) fail(`SWITCH to task ${task} on cpu ${c}, but it is on ${taskCpu[task]}`, i);
          cur[c] = task;
          break;
        case EV_MIGRATE: {
          if (holding[task]! > 0) fail(`MIGRATE of task ${task} holding a mapping`, i);
          if (taskCpu[task] !== c) fail(`MIGRATE of task ${task} from cpu ${c}, but it is on ${taskCpu[task]}`, i);
          const to = chunk.a[i]!;
          if (!(to >= 0 && to < online) || to === c) fail(`MIGRATE to cpu ${to}`, i);
          taskCpu[task] = to;
          if (cur[c] === task) cur[c] = -1;
          break;
        }
        case EV_GET:
        case EV_RESERVED: {
          if (cur[c] !== task) fail(`GET by task ${task}, not the current task ${cur[c]} of cpu ${c}`, i);
          const id = chunk.b[i]!;
          if (seen.has(id)) fail(`allocId ${id} reused`, i);
          seen.add(id);
          const pages = k === EV_GET ? chunk.a[i]! : 1;
          const pfn = chunk.pfn[i]!;
          if (k === EV_RESERVED && chunk.a[i] !== pfn) fail('RESERVED a differs from pfn', i);
          if (opts.distinctPfns) {
            for (const l of live.values()) {
              if (l.pfn < pfn + pages && pfn < l.pfn + l.pages) fail(`GET of pfn ${pfn} overlaps a live GET`, i);
            }
          }
          live.set(id, { task, cpu: c, pages, pfn });
          holding[task]!++;
          const key = c * 1_000_000 + mm;
          const n = (liveByCpuMm.get(key) ?? 0) + 1;
          liveByCpuMm.set(key, n);
          facts.maxLivePerCpuMm = Math.max(facts.maxLivePerCpuMm, n);
          liveByCpu[c]!++;
          facts.maxLivePerCpu = Math.max(facts.maxLivePerCpu, liveByCpu[c]!);
          if (k === EV_GET) {
            facts.getPages.set(pages, (facts.getPages.get(pages) ?? 0) + 1);
            if (opts.keepTimes) facts.getTimes[c]!.push(t);
          }
          break;
        }
        case EV_PUT: {
          const id = chunk.b[i]!;
          const l = live.get(id);
          if (!l) fail(`PUT of allocId ${id}, not live`, i);
          if (l!.task !== task || l!.cpu !== c)
            fail(`PUT of ${id} by task ${task} on cpu ${c}, got by ${l!.task} on ${l!.cpu}`, i);
          if (chunk.a[i] !== l!.pages || chunk.pfn[i] !== l!.pfn) fail(`PUT of ${id} with other pages/pfn`, i);
          if (cur[c] !== task) fail(`PUT by task ${task}, not current on cpu ${c}`, i);
          live.delete(id);
          holding[task]!--;
          const key = c * 1_000_000 + mm;
          liveByCpuMm.set(key, liveByCpuMm.get(key)! - 1);
          liveByCpu[c]!--;
          break;
        }
        case EV_TOUCH:
          if (cur[c] !== task) fail(`TOUCH by task ${task}, not current on cpu ${c}`, i);
          break;
        default:
          fail(`unknown kind ${k}`, i);
      }
    }
    facts.events += chunk.length;
  }
  facts.lastTime = last;
  if (!opts.allowLiveAtEnd && !more && live.size > 0)
    throw new Error(`${live.size} mappings live at the end of the stream`);
  return facts;
}
