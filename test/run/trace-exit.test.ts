import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveCostModel } from '../../src/analysis/cost-models.js';
import { RunMetrics } from '../../src/analysis/metrics/run-metrics.js';
import { Machine } from '../../src/core/machine.js';
import { PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/pte.js';
import { drive, setUpTopology } from '../../src/run/drive.js';
import { EV_EXIT, type EventChunk, type EventSource } from '../../src/workloads/events.js';
import { traceSource } from '../../src/workloads/trace/ftrace.js';

/** An mm's PGD page and its table counts: what an mm holds of its own before it maps. */
const EMPTY_TABLES = 4096 + 5 * 4;

describe('a process that exits frees what it mapped with', () => {
  it('exitMm(): the tables, PTE index and stamps go, the meter is told, the counters stay', () => {
    const m = new Machine({ possibleCpus: 2, regionPages: 1024, tlb: 'tiny' });
    const mm = m.createMm(true);
    const made = m.mmStateBytes(mm);
    const task = m.createTask(mm, 1);
    for (let i = 0; i < 3; i++) m.mermapPut(task, m.mermapGet(task, 4, 0x2000 + 4 * i, PROT_KERNEL_NOGLOBAL, false));
    // the region of CPU 1: a PUD and a PMD table (4 KiB each), its two PTE tables (8 KiB), its
    // 1024 stamps (8 KiB) and the PTE index of both CPUs' regions (4 bytes a table: 16)
    expect(m.stateMeter.bytes).toBe(4096 + 4096 + 8192 + 8192 + 16);
    expect(m.mmStateBytes(mm) - made).toBe(m.stateMeter.bytes);
    m.exitMm(mm);
    // all of it goes, and the PGD page the mm was made with
    expect(m.stateMeter.bytes).toBe(-EMPTY_TABLES);
    expect(m.mmStateBytes(mm)).toBe(made - EMPTY_TABLES);
    expect(m.allocator(mm).flushes[1]).toBe(0);
    // mermap_mm_prepare()'s tables, as reported: both CPUs' regions (2 PTE tables each), a PMD and a PUD
    expect(m.prepareCost(mm).tablePages).toBe(2 * 2 + 1 + 1);
    m.exitMm(mm); // once only
    expect(m.stateMeter.bytes).toBe(-EMPTY_TABLES);
  });
});

/** The stream with its EXITs taken out: what a run was before processes exited. */
function withoutExits(src: EventSource): EventSource {
  return {
    topology: src.topology,
    fill(chunk: EventChunk): boolean {
      const more = src.fill(chunk);
      let n = 0;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk.kind[i] === EV_EXIT) continue;
        for (const col of [chunk.kind, chunk.time, chunk.cpu, chunk.task, chunk.a, chunk.b, chunk.pfn, chunk.flags]) {
          col[n] = col[i]!;
        }
        n++;
      }
      chunk.length = n;
      return more;
    },
  };
}

type InitMode = 'init_on_alloc' | 'init_on_free' | 'gfp_zero';

function runTrace(text: string, variant: string, initMode: InitMode, exits: boolean) {
  const traced = traceSource(
    { text },
    { gfpFilter: '*', initMode },
    { onlineCpus: 4, zeroCyclesPerPage: 1200, cpuGhz: 3 },
  );
  const src = exits ? traced : withoutExits(traced);
  const machine = new Machine({ possibleCpus: 4, regionPages: 16, variant, tlb: 'tiny' });
  setUpTopology(machine, src);
  const metrics = new RunMetrics(machine, { costModel: resolveCostModel('molnar-2015'), sampleEveryNs: 20_000 });
  const stats = drive(machine, src, metrics, { zeroCyclesPerPage: 1200, cpuGhz: 3 });
  const summary = metrics.finish(stats.lastNs, stats.events);
  return {
    results: {
      stats,
      summary,
      perMm: metrics.perMmRows(),
      perCpu: metrics.perCpuRows(),
      series: metrics.timeSeriesRows(),
      violations: machine.checker.countsByKind(),
    },
    mms: machine.mmCount(),
    meter: machine.stateMeter.bytes,
  };
}

/** A line of tracefs's `trace` with the TGID column. */
function traceLine(pid: number, tgid: number, cpu: number, softirq: boolean, us: number, body: string): string {
  const task = `${pid === 50 ? 'kworker/0:1' : 'p'}-${pid}`.padStart(16);
  const t = `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
  return `${task} (${String(tgid).padStart(7)}) [00${cpu}] ${softirq ? '..s1.' : '.....'} ${t}: ${body}`;
}

const lineArb = fc.record({
  pid: fc.integer({ min: 50, max: 61 }), // 50: a kernel thread, no mm
  cpu: fc.nat(3),
  softirq: fc.boolean(),
  gapUs: fc.integer({ min: 0, max: 12 }),
  free: fc.boolean(),
  pick: fc.nat(),
  order: fc.integer({ min: 0, max: 3 }),
  zero: fc.boolean(),
});

type Line = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

/** Lines in time order: pids 51..61 in 4 processes (tgid 51..54), allocations and frees of live pages. */
function traceText(lines: readonly Line[]): string {
  const out = ['# tracer: nop', '#P:4'];
  const live: Array<{ pfn: number; order: number }> = [];
  let us = 1_000_000;
  let pfn = 0x10000;
  for (const l of lines) {
    us += l.gapUs;
    const tgid = l.pid === 50 ? 50 : 51 + (l.pid % 4);
    let body: string;
    if (l.free && live.length > 0) {
      const [p] = live.splice(l.pick % live.length, 1);
      body = `mm_page_free: page=0 pfn=0x${p!.pfn.toString(16)} order=${p!.order}`;
    } else {
      const gfp = l.zero ? 'GFP_KERNEL|__GFP_ZERO' : 'GFP_KERNEL';
      body = `mm_page_alloc: page=0 pfn=0x${pfn.toString(16)} order=${l.order} migratetype=0 gfp_flags=${gfp}`;
      live.push({ pfn, order: l.order });
      pfn += 1 << l.order;
    }
    out.push(traceLine(l.pid, tgid, l.cpu, l.softirq, us, body));
  }
  return out.join('\n');
}

describe('a trace with its processes exiting', () => {
  it('gives the same results as without the exits, and frees every process it ran (property)', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 80 }),
        fc.constantFrom('rfc-v1', 'rfc-later'),
        fc.constantFrom<InitMode>('init_on_alloc', 'init_on_free', 'gfp_zero'),
        (lines, variant, initMode) => {
          const text = traceText(lines);
          const kept = runTrace(text, variant, initMode, false);
          const freed = runTrace(text, variant, initMode, true);
          expect(freed.results).toEqual(kept.results);
          // every process exits by the end of the trace, and takes all it made: what stays of
          // each is what it was made with, less its PGD page
          expect(freed.meter + EMPTY_TABLES * freed.mms).toBe(0);
          expect(kept.meter).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
