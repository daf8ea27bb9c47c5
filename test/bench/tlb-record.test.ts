import { describe, expect, it } from 'vitest';
import { CODE, digest, Log, LOG_FIELDS, type Method, recordRun, replay } from '../../bench/tlb-record.js';
import { parseRunConfig, type RunConfig } from '../../src/config/index.js';
import { VARIANTS } from '../../src/core/allocators.js';
import { Machine } from '../../src/core/machine.js';
import { machineConfigOf } from '../../src/run/run.js';

/**
 * `npm run bench:tlb` times the TLB model by replaying the calls a run made on its TLBs. That
 * time is the TLBs' work only if the records hold every call: a replay into fresh TLBs must end
 * with the digest the run's own TLBs end with. And the digest must tell another history apart.
 */
function replayDigest(config: RunConfig, log: Log): string {
  const m = new Machine(machineConfigOf(config));
  replay(log, m.tlbs, m.clock);
  return digest(m.tlbs);
}

/** The methods the records hold. */
function methods(log: Log): Set<Method> {
  const byCode: Method[] = [];
  for (const [m, code] of Object.entries(CODE)) byCode[code] = m as Method;
  const out = new Set<Method>();
  for (let i = 0; i < log.length; i += LOG_FIELDS) out.add(byCode[log.data[i + 1]!]!);
  return out;
}

/** `log` without its k-th record of `method`. */
function without(log: Log, method: Method, k: number): Log {
  const out = new Log();
  let n = 0;
  for (let i = 0; i < log.length; i += LOG_FIELDS) {
    const x = log.data;
    if (x[i + 1] === CODE[method] && n++ === k) continue;
    out.push(x[i]!, x[i + 1]!, x[i + 2]!, x[i + 3]!, x[i + 4]!, x[i + 5]!, x[i + 6]!, x[i + 7]!);
  }
  return out;
}

const config = (variant: string, workload: object = {}) =>
  parseRunConfig({
    seed: 7,
    machine: { possibleCpus: 8, onlineCpusCap: 4 },
    mermap: { variant, regionPages: 64 },
    workload: { kind: 'unmapped-alloc', tlbPressure: {}, ...workload },
    length: { events: 20_000 },
  });

describe('bench:tlb records and replays', () => {
  const called = new Set<Method>();

  for (const variant of VARIANTS) {
    it(`${variant}: the replay leaves the TLBs as the run did`, () => {
      const c = config(variant);
      const { log, runDigest } = recordRun(c);
      expect(replayDigest(c, log)).toBe(runDigest);
      for (const m of methods(log)) called.add(m);
    });
  }

  it('with more mms than a CPU has ASIDs: CR3 flushes and recycled PCIDs are replayed too', () => {
    const c = config('rfc-v1', { mmsPerCpu: 8, threadsPerMm: 1 });
    const { log, runDigest } = recordRun(c);
    expect(methods(log).has('flushPcid')).toBe(true);
    expect(methods(log).has('forgetPcid')).toBe(true);
    expect(replayDigest(c, log)).toBe(runDigest);
    for (const m of methods(log)) called.add(m);
  });

  // markStale() takes a page number: the Machine calls it for a range that left its region (or
  // with offsets too large for unmapOwn()) and for a present PTE rewritten, none of them here
  it('the runs above called every method but markStale()', () => {
    expect([...called].sort()).toEqual((Object.keys(CODE) as Method[]).filter((m) => m !== 'markStale').sort());
  });

  it('tells a replay that missed one call apart', () => {
    const c = config('rfc-later');
    const { log, runDigest } = recordRun(c);
    for (const m of ['walked', 'markStaleOffset', 'flushAll'] as const) {
      expect(replayDigest(c, without(log, m, 100))).not.toBe(runDigest);
    }
  });
});
