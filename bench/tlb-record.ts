/**
 * Recording and replaying the calls a Machine makes on its TLBs, for `npm run bench:tlb`
 * (./tlb-replay.ts) and its test: the records, the recorder, the replay and the digest of the
 * TLBs' state a replay must end with.
 */
import { createHash } from 'node:crypto';
import { addTlbCounters, T_FIELDS } from '../src/analysis/metrics/tlb-counters.js';
import type { RunConfig } from '../src/config/index.js';
import type { Machine } from '../src/core/machine.js';
import type { Tlb } from '../src/core/tlb/index.js';
import { runSummary } from '../src/run/run.js';

/** The Tlb methods the Machine calls, and each one's code in a record. */
export const CODE = {
  hit: 0,
  hitShadow: 1,
  walked: 2,
  flushAll: 3,
  flushPcid: 4,
  forgetPcid: 5,
  invlpg: 6,
  markStale: 7,
  markStaleOffset: 8,
} as const;
export type Method = keyof typeof CODE;

/** A record: CPU, method code, four arguments (booleans as 0 or 1), clock.op, clock.ns. */
export const LOG_FIELDS = 8;

/** A growable log of records. */
export class Log {
  data = new Float64Array(1 << 20);
  length = 0;
  push(cpu: number, method: number, a: number, b: number, c: number, d: number, op: number, ns: number): void {
    if (this.length + LOG_FIELDS > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const x = this.data;
    const i = this.length;
    x[i] = cpu;
    x[i + 1] = method;
    x[i + 2] = a;
    x[i + 3] = b;
    x[i + 4] = c;
    x[i + 5] = d;
    x[i + 6] = op;
    x[i + 7] = ns;
    this.length = i + LOG_FIELDS;
  }
}

/**
 * Record every call on the machine's TLBs into `log`: each TLB is replaced by a proxy whose
 * methods log the call and then run on the TLB itself, so the TLB's own code only ever sees TLBs
 * (the Machine's code sees the proxies: a point timed after this would run slower).
 */
export function record(machine: Machine, log: Log): void {
  machine.tlbs.forEach((tlb, cpu) => {
    machine.tlbs[cpu] = new Proxy(tlb, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof prop !== 'string' || !Object.hasOwn(CODE, prop)) return value;
        const code = CODE[prop as Method];
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const n = (k: number) => Number(args[k] ?? 0);
          log.push(cpu, code, n(0), n(1), n(2), n(3), machine.clock.op, machine.clock.ns);
          return method.apply(target, args);
        };
      },
    });
  });
}

/** The records replayed into `tlbs`, with `clock` set as it was at each call. */
export function replay(log: Log, tlbs: readonly Tlb[], clock: { op: number; ns: number }): void {
  const x = log.data;
  for (let i = 0; i < log.length; i += LOG_FIELDS) {
    const t = tlbs[x[i]!]!;
    clock.op = x[i + 6]!;
    clock.ns = x[i + 7]!;
    const a = x[i + 2]!;
    const b = x[i + 3]!;
    const c = x[i + 4]!;
    const d = x[i + 5]!;
    switch (x[i + 1]) {
      case CODE.hit:
        t.hit(a, b);
        break;
      case CODE.hitShadow:
        t.hitShadow(a, b);
        break;
      case CODE.walked:
        t.walked(a, b, c, d);
        break;
      case CODE.flushAll:
        t.flushAll(a, b === 1);
        break;
      case CODE.flushPcid:
        t.flushPcid(a, b, c === 1, d as Parameters<Tlb['flushPcid']>[3]);
        break;
      case CODE.forgetPcid:
        t.forgetPcid(a);
        break;
      case CODE.invlpg:
        t.invlpg(a, b);
        break;
      case CODE.markStale:
        t.markStale(a, b);
        break;
      case CODE.markStaleOffset:
        t.markStaleOffset(a, b);
        break;
    }
  }
}

/**
 * Every TLB's counters and cached entries, hashed: the counter row the metrics read
 * (addTlbCounters()), what the TLB holds now (its entries, the live mermap and stale
 * translations, the keys waiting for refill attribution) and the largest exposures.
 */
export function digest(tlbs: readonly Tlb[]): string {
  const h = createHash('sha1');
  const row = new Float64Array(T_FIELDS);
  for (const t of tlbs) {
    row.fill(0);
    addTlbCounters(t, row, 0, 1);
    const state = [
      t.mermapLive,
      t.maxExposureOps,
      t.maxExposureNs,
      t.validEntries(),
      t.staleLive(),
      t.rememberedKeys(),
    ];
    h.update(JSON.stringify([[...row], state, t.snapshot()]));
  }
  return h.digest('hex').slice(0, 12);
}

/** `config` run as a sweep point runs, its TLB calls recorded: the records, and its TLBs' digest at the end. */
export function recordRun(config: RunConfig): { log: Log; runDigest: string } {
  const log = new Log();
  const seen: Machine[] = [];
  runSummary(config, {
    onMachine: (m) => {
      seen.push(m);
      record(m, log);
    },
  });
  return { log, runDigest: digest(seen[0]!.tlbs) };
}
