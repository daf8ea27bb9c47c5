/**
 * Helpers over whole streams: a stable hash (for determinism tests and for recording which stream
 * produced a result), and draining into plain records (tests, debugging; allocates per event).
 */
import { EVENT_KIND_NAMES, EventChunk, type EventSource } from './events.js';

export interface StreamDigest {
  /** FNV-1a over the 32-bit little-endian words of every column of every event, 8 hex digits. */
  hash: string;
  events: number;
  /** Events per kind name. */
  byKind: Record<string, number>;
  /** Time of the last event, ns. */
  lastTimeNs: number;
}

/** Drain a source and hash its stream. Reads at most maxEvents events (default all). */
export function hashEventStream(source: EventSource, maxEvents = Infinity, chunkCapacity = 4096): StreamDigest {
  const chunk = new EventChunk(chunkCapacity);
  const view = new DataView(new ArrayBuffer(8));
  let h = 0x811c9dc5;
  const word = (x: number) => {
    h = Math.imul(h ^ x, 0x01000193);
  };
  const f64 = (x: number) => {
    view.setFloat64(0, x, true);
    word(view.getUint32(0, true));
    word(view.getUint32(4, true));
  };
  const counts = new Float64Array(256);
  let events = 0;
  let last = 0;
  let more = true;
  while (more && events < maxEvents) {
    more = source.fill(chunk);
    const n = Math.min(chunk.length, maxEvents - events);
    for (let i = 0; i < n; i++) {
      const kind = chunk.kind[i]!;
      counts[kind]++;
      word(kind);
      f64(chunk.time[i]!);
      word(chunk.cpu[i]!);
      word(chunk.task[i]!);
      f64(chunk.a[i]!);
      f64(chunk.b[i]!);
      f64(chunk.pfn[i]!);
      word(chunk.flags[i]!);
    }
    if (n > 0) last = chunk.time[n - 1]!;
    events += n;
  }
  const byKind: Record<string, number> = {};
  for (let k = 0; k < 256; k++) if (counts[k]! > 0) byKind[EVENT_KIND_NAMES[k] ?? `kind${k}`] = counts[k]!;
  return { hash: (h >>> 0).toString(16).padStart(8, '0'), events, byKind, lastTimeNs: last };
}

export interface EventRecord {
  kind: string;
  time: number;
  cpu: number;
  task: number;
  a: number;
  b: number;
  pfn: number;
  flags: number;
}

/** Drain a source into records (at most maxEvents). */
export function collectEvents(source: EventSource, maxEvents = Infinity, chunkCapacity = 4096): EventRecord[] {
  const chunk = new EventChunk(chunkCapacity);
  const out: EventRecord[] = [];
  let more = true;
  while (more && out.length < maxEvents) {
    more = source.fill(chunk);
    for (let i = 0; i < chunk.length && out.length < maxEvents; i++) {
      out.push({
        kind: EVENT_KIND_NAMES[chunk.kind[i]!] ?? `kind${chunk.kind[i]}`,
        time: chunk.time[i]!,
        cpu: chunk.cpu[i]!,
        task: chunk.task[i]!,
        a: chunk.a[i]!,
        b: chunk.b[i]!,
        pfn: chunk.pfn[i]!,
        flags: chunk.flags[i]!,
      });
    }
  }
  return out;
}

/** One line per event, for debugging and golden files: "t=... cpu=... task=... get a=.. b=.. pfn=.. f=..". */
export function formatEvent(e: EventRecord): string {
  return `${e.time} c${e.cpu} k${e.task} ${e.kind} a=${e.a} b=${e.b} pfn=${e.pfn} f=${e.flags}`;
}
