import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectEvents, formatEvent } from '../../src/workloads/stream.js';
import { syntheticTrace } from '../../src/workloads/trace/synth.js';
import {
  checkSelection,
  FtraceSource,
  scanTraceInput,
  TraceError,
  TraceSelectionError,
  traceCpus,
  traceSource,
  type TraceScanOptions,
} from '../../src/workloads/trace/ftrace.js';
import { detectFormat } from '../../src/workloads/trace/line-format.js';

const rel = (name: string) => `test/fixtures/ftrace/${name}`;
const OPTS = { zeroCyclesPerPage: 1200, cpuGhz: 3, onlineCpus: 4 };
const run = (
  text: string,
  scan: TraceScanOptions = {},
  opts: Partial<typeof OPTS & { initMode: 'init_on_free' }> = {},
) => collectEvents(traceSource({ text }, { file: 't', ...scan }, { ...OPTS, ...opts })).map(formatEvent);
/**
 * Tasks and mms are numbered in file order: an event line with its task (k3) and an EXIT's mm
 * (a=3) named instead (the mm by its tasks' names), to compare streams of two orders of a file.
 */
const namer = (scan: { taskLabel: readonly string[]; taskMm: Int32Array }) => {
  const tasksOf: string[][] = [];
  scan.taskMm.forEach((mm, k) => (tasksOf[mm] ??= []).push(scan.taskLabel[k]!));
  const mmName = tasksOf.map((t) => t.sort().join('+'));
  return (e: string) =>
    e
      .replace(/ k(\d+) /, (_, k) => ` ${scan.taskLabel[Number(k)]} `)
      .replace(/ exit a=(\d+) /, (_, mm) => ` exit ${mmName[Number(mm)]} `);
};
const alloc = (pfn: string, order: number, gfp = 'GFP_KERNEL') =>
  `mm_page_alloc: page=0000000012345678 pfn=${pfn} order=${order} migratetype=0 gfp_flags=${gfp}`;
const free = (pfn: string, order: number) => `mm_page_free: page=0000000012345678 pfn=${pfn} order=${order}`;
const ft = (task: string, cpu: number, flags: string, ts: string, body: string) =>
  `${task.padStart(16)} [00${cpu}] ${flags} ${ts}: ${body}`;

describe('trace formats as the tools print them', () => {
  it('detects the format from the first lines', () => {
    expect(detectFormat(['cpus=4', 'CPU 2 is empty'])).toBe('trace-cmd');
    expect(detectFormat(['# tracer: nop'])).toBe('ftrace');
    expect(detectFormat(['', '   bash-1977 [000] .....  1.000000: mm_page_free: pfn=0x1 order=0'])).toBe('ftrace');
    expect(detectFormat(['            bash  2931 [002]    22.498801: kmem:mm_page_alloc: pfn=0x1'])).toBe('perf');
    expect(detectFormat(['garbage'])).toBe(null);
  });

  it('trace-cmd report: cpus= header, empty-CPU lines, padded event names, numeric gfp flags', () => {
    const file = rel('trace-cmd.txt');
    const scan = scanTraceInput({ path: file }, { gfpFilter: '0x152cc0' });
    expect(scan.summary).toMatchObject({
      format: 'trace-cmd',
      lines: 9,
      skippedHeader: 2,
      skippedOther: 2,
      allocs: 4,
      frees: 1,
      selected: 3, // 0x400cc0 lacks bits of the mask
      refusedNoMm: 1, // the kworker
      unmappedAllocs: 2,
      possibleCpus: 4,
      irqInfo: false,
      mmsBy: 'pid',
    });
    expect(scan.taskLabel).toEqual(['bash-1977', 'cat-2001']);
    expect(traceCpus({ path: file })).toBe(4);
    expect(collectEvents(traceSource({ path: file }, { gfpFilter: '0x152cc0' }, OPTS)).map(formatEvent)).toEqual([
      '0 c0 k0 switch a=0 b=0 pfn=-1 f=0',
      '0 c0 k0 get a=8 b=0 pfn=1090048 f=2',
      '3200 c0 k0 put a=8 b=0 pfn=1090048 f=2',
      '200000 c-1 k-1 free a=1090048 b=8 pfn=1090048 f=0',
      // bash's last line, an allocation the mask does not take
      '300000 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
      '400000 c3 k1 switch a=0 b=0 pfn=-1 f=0',
      '400000 c3 k1 get a=2 b=1 pfn=1090096 f=2',
      '400800 c3 k1 put a=2 b=1 pfn=1090096 f=2',
      '400800 c-1 k-1 exit a=1 b=0 pfn=-1 f=0',
    ]);
    // flag names cannot be matched against numbers: the line says so
    expect(() => scanTraceInput({ path: file })).toThrow(
      new TraceError(
        file,
        4,
        "gfp_flags=0x152cc0 is a number, so flag names cannot be matched: give --gfp-filter 0xMASK or '*'",
      ),
    );
  });

  it('perf script: kmem: prefix, decimal and hex pfns, callchains, blank separators', () => {
    const file = rel('perf-script.txt');
    const scan = scanTraceInput({ path: file }, { gfpFilter: 'GFP_KERNEL' });
    expect(scan.summary).toMatchObject({
      format: 'perf',
      lines: 15,
      skippedHeader: 10, // 5 callchain lines, 5 blank lines
      skippedOther: 1,
      allocs: 3,
      frees: 1,
      malformed: 0,
      refusedNoMm: 1,
      unmappedAllocs: 2,
      possibleCpus: null,
      cpusSeen: 3,
    });
    expect(scan.taskLabel).toEqual(['bash-1977', 'dd-2002']);
    expect(traceCpus({ path: file })).toBe(3);
    const ev = collectEvents(traceSource({ path: file }, { gfpFilter: 'GFP_KERNEL' }, OPTS)).map(formatEvent);
    expect(ev).toEqual([
      '0 c0 k0 switch a=0 b=0 pfn=-1 f=0',
      '0 c0 k0 get a=8 b=0 pfn=1090048 f=2',
      '3200 c0 k0 put a=8 b=0 pfn=1090048 f=2',
      '150000 c2 k1 switch a=0 b=0 pfn=-1 f=0',
      '150000 c2 k1 get a=2 b=1 pfn=1090072 f=2',
      '150800 c2 k1 put a=2 b=1 pfn=1090072 f=2',
      // dd's one line is behind it
      '150800 c-1 k-1 exit a=1 b=0 pfn=-1 f=0',
      '200000 c-1 k-1 free a=1090048 b=8 pfn=1090048 f=0',
      // bash's last line was that free (its sched_switch is not an alloc/free line)
      '200000 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
    ]);
    // CRLF: the same
    const crlf = readFileSync(file, 'utf8').replace(/\n/g, '\r\n');
    expect(run(crlf, { gfpFilter: 'GFP_KERNEL' })).toEqual(ev);
  });

  it('perf script with pid/tid: threads of one process share an mm', () => {
    const text = [
      `            java  500/500 [000]     1.000000: kmem:${alloc('0x1000', 0)}`,
      `            java  500/501 [001]     1.000001: kmem:${alloc('0x2000', 0)}`,
      `              sh  600/600 [001]     1.000002: kmem:${alloc('0x3000', 0)}`,
    ].join('\n');
    const scan = scanTraceInput({ text }, { gfpFilter: '*' });
    expect(scan.summary.mmsBy).toBe('tgid');
    expect(scan.taskLabel).toEqual(['java-500', 'java-501', 'sh-600']);
    expect(Array.from(scan.taskMm)).toEqual([0, 0, 1]);
  });
});

describe('trace context: what the kernel caller does', () => {
  it('irq context (h, s, H, z) and kernel threads are refused by prepare_alloc_pages', () => {
    const text = [
      ft('bash-100', 0, 'd.h1.', '1.000000', alloc('0x1000', 0)), // hardirq
      ft('bash-100', 0, '..s1.', '1.000001', alloc('0x2000', 0)), // softirq
      ft('bash-100', 0, 'd.H1.', '1.000002', alloc('0x3000', 0)), // hardirq in softirq
      ft('bash-100', 0, 'd.z1.', '1.000003', alloc('0x4000', 0)), // NMI
      ft('kworker/0:1-42', 1, '.....', '1.000004', alloc('0x5000', 0)),
      ft('ksoftirqd/1-20', 1, '..s1.', '1.000005', alloc('0x6000', 0)),
      ft('<idle>-0', 2, 'dn.1.', '1.000006', alloc('0x7000', 0)),
      ft('bash-100', 3, 'dN.1.', '1.000007', alloc('0x8000', 0)), // irqs off, in task context
      ft('bash-100', 3, 'd.h1.', '1.000008', free('0x8000', 0)), // freed from an interrupt
    ].join('\n');
    const scan = scanTraceInput({ text }, { gfpFilter: '*' });
    expect(scan.summary).toMatchObject({
      allocs: 8,
      selected: 8,
      refusedNotInTask: 5, // includes ksoftirqd's softirq line
      refusedNoMm: 2,
      unmappedAllocs: 1,
      irqInfo: true,
    });
    expect(scan.taskLabel).toEqual(['bash-100']);
    expect(run(text, { gfpFilter: '*' })).toEqual([
      '7000 c3 k0 switch a=0 b=0 pfn=-1 f=0',
      '7000 c3 k0 get a=1 b=0 pfn=32768 f=2',
      '7400 c3 k0 put a=1 b=0 pfn=32768 f=2',
      // the free from an interrupt is no line of bash's: its process is done at the put
      '7400 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
      '8000 c-1 k-1 free a=32768 b=1 pfn=32768 f=0',
    ]);
    // init_on_free: the free from the interrupt cannot use the mermap (RFC v1 oopses): counted
    const src = traceSource({ text }, { gfpFilter: '*' }, { ...OPTS, initMode: 'init_on_free' });
    expect(collectEvents(src).map(formatEvent)).toEqual([
      '7000 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
      '8000 c-1 k-1 free a=32768 b=1 pfn=32768 f=0',
    ]);
    expect(src.summary.unreadyFreeZeroings).toBe(1);
  });
});

describe('trace input errors name the line', () => {
  const head = '# entries-in-buffer/entries-written: 2/2   #P:2';
  it('a CPU beyond the header #P:N', () => {
    const text = [head, ft('a-1', 0, '.....', '1.0', alloc('0x1', 0)), ft('a-1', 3, '.....', '1.1', alloc('0x2', 0))];
    expect(() => scanTraceInput({ text: text.join('\n') }, { file: 'x', lenient: true })).toThrow(
      new TraceError('x', 3, "cpu 3, but the trace's header says it has 2 possible CPUs"),
    );
    expect(traceCpus({ text: text.join('\n') })).toBe(2);
  });

  it('a header of 0 CPUs, where it is (it used to fail at the first event, naming the event)', () => {
    const text = [head.replace('#P:2', '#P:0'), ft('a-1', 0, '.....', '1.0', alloc('0x1', 0))].join('\n');
    expect(() => scanTraceInput({ text }, { file: 'x' })).toThrow(
      new TraceError('x', 1, 'the header gives the trace 0 CPUs (#P:0 or cpus=0)'),
    );
  });

  it('timestamps that cannot be real, cut lines, time going back on a CPU', () => {
    const bad = (l: string) => () =>
      scanTraceInput({ text: `${ft('a-1', 0, '.....', '1.0', alloc('0x1', 0))}\n${l}` }, { file: 'x' });
    expect(bad(ft('a-1', 0, '.....', '100000000000000000000.000000', alloc('0x2', 0)))).toThrow(
      new TraceError('x', 2, 'timestamp 100000000000000000000.000000 s is beyond 10^9 s: not a real time'),
    );
    expect(bad(ft('a-1', 0, '.....', '2.0', 'mm_page_al'))).toThrow(
      new TraceError('x', 2, 'cut line: "mm_page_al" is the start of an event name'),
    );
    expect(bad(ft('a-1', 0, '.....', '0.5', alloc('0x2', 0)))).toThrow(
      new TraceError(
        'x',
        2,
        "time goes back on cpu 0 (0.5 s after 1 s): the kernel writes each CPU's buffer in time order",
      ),
    );
    // the last pfn of a 52-bit physical address space is read; one more cannot be a real page
    expect(() => bad(ft('a-1', 0, '.....', '2.0', alloc('0xffffffffff', 0)))()).not.toThrow();
    expect(bad(ft('a-1', 0, '.....', '2.0', alloc('0x10000000000', 0)))).toThrow(
      new TraceError(
        'x',
        2,
        "mm_page_alloc: pfn=0x10000000000 is beyond x86-64's 52-bit physical addresses (pfn < 0x10000000000)",
      ),
    );
    // another CPU may be behind: the CPU streams are merged
    expect(() => bad(ft('a-1', 1, '.....', '0.5', alloc('0x2', 0)))()).not.toThrow();
  });

  it('an empty selection stops with what was read and how to choose', () => {
    const text = [ft('a-1', 0, '.....', '1.0', alloc('0x1', 0)), ft('a-1', 0, '.....', '1.1', alloc('-1', 0))];
    const scan = scanTraceInput({ text: text.join('\n') }, { file: 'x' });
    expect(() => checkSelection(scan)).toThrow(
      new TraceSelectionError(
        "x: 2 mm_page_alloc lines read (1 failed), none matched --gfp-filter __GFP_UNMAPPED (the default; no released kernel has __GFP_UNMAPPED): choose them with --gfp-filter 'GFP_KERNEL|__GFP_ZERO' (flag names, all required), --gfp-filter 0xMASK (numeric flags) or --gfp-filter '*' (all), and --sample FRACTION to take a share",
      ),
    );
    const none = scanTraceInput({ text: '# tracer: nop\n' }, { file: 'y' });
    expect(() => checkSelection(none)).toThrow(
      'y: no mm_page_alloc line among its 1 lines (read as ftrace): record with -e kmem:mm_page_alloc -e kmem:mm_page_free',
    );
  });
});

describe('the per-CPU merge', () => {
  it('a trace written one CPU after another streams as the time-ordered trace does (property)', () => {
    const rec = fc.record({
      cpu: fc.integer({ min: 0, max: 3 }),
      dt: fc.integer({ min: 1, max: 3 }),
      order: fc.integer({ min: 0, max: 2 }),
      free: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 40 }), (rs) => {
        // time-ordered lines; a free names the pages of the latest allocation on its CPU
        let t = 1_000_000;
        const lines: Array<{ cpu: number; t: number; text: string }> = [];
        const lastPfn = new Map<number, string>();
        rs.forEach((r, i) => {
          t += r.dt;
          const pfn = r.free && lastPfn.has(r.cpu) ? lastPfn.get(r.cpu)! : `0x${(0x1000 + i * 8).toString(16)}`;
          const body = r.free && lastPfn.has(r.cpu) ? free(pfn, r.order) : alloc(pfn, r.order);
          if (!r.free) lastPfn.set(r.cpu, pfn);
          lines.push({
            cpu: r.cpu,
            t,
            text: ft(`p-${100 + r.cpu}`, r.cpu, '.....', `1.${String(t).padStart(9, '0')}`, body),
          });
        });
        const ordered = lines.map((l) => l.text).join('\n');
        const byCpu = [0, 1, 2, 3].flatMap((c) => lines.filter((l) => l.cpu === c).map((l) => l.text)).join('\n');
        const named = (text: string) =>
          run(text, { gfpFilter: '*' }).map(namer(scanTraceInput({ text }, { gfpFilter: '*' })));
        expect(named(byCpu)).toEqual(named(ordered));
      }),
      { numRuns: 200 },
    );
  });
});

describe('trace progress and the synthetic trace', () => {
  it('the scan reports the bytes read every 65,536 lines; the stream its share, never going back', () => {
    const lines = [...syntheticTrace({ events: 70_000, cpus: 4, seed: 3 })];
    expect(lines).toHaveLength(70_005);
    const text = `${lines.join('\n')}\n`;
    const seen: number[] = [];
    const scan = scanTraceInput({ text }, { gfpFilter: '*', onProgress: (b) => seen.push(b) });
    const first = lines.slice(0, 65_536).reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
    expect(seen).toEqual([first]);
    expect(scan.bytes).toBe(Buffer.byteLength(text));
    expect(scan.summary).toMatchObject({ format: 'ftrace', possibleCpus: 4, mmsBy: 'tgid', malformed: 0 });
    const shares: Array<[number, number]> = [];
    const src = new FtraceSource({ text }, scan, {
      initMode: 'init_on_alloc',
      zeroCyclesPerPage: 1200,
      cpuGhz: 3,
      onlineCpus: 4,
      onProgress: (b, t) => shares.push([b, t]),
    });
    collectEvents(src, Infinity, 64);
    expect(shares.length).toBeGreaterThan(10);
    for (let i = 1; i < shares.length; i++) expect(shares[i]![0]).toBeGreaterThanOrEqual(shares[i - 1]![0]);
    for (const [b, t] of shares) {
      expect(t).toBe(scan.bytes);
      expect(b).toBeLessThanOrEqual(t);
    }
  });
});

describe('per-CPU readers over a file', () => {
  it('a file of per-CPU blocks streams as its time-ordered text does', () => {
    const lines = [...syntheticTrace({ events: 20_000, cpus: 4, seed: 5 })];
    const head = lines.slice(0, 5);
    const body = lines.slice(5);
    const cpuOf = (l: string) => Number(/\[(\d+)\]/.exec(l)![1]);
    const byCpu = [...head, ...[0, 1, 2, 3].flatMap((c) => body.filter((l) => cpuOf(l) === c))].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'mermap-percpu-'));
    try {
      const file = join(dir, 'per-cpu.trace');
      writeFileSync(file, byCpu);
      const opts = { gfpFilter: '__GFP_ZERO' };
      const scan = scanTraceInput({ path: file }, opts);
      expect(scan.sorted).toBe(false);
      const named = (input: { path: string } | { text: string }) =>
        collectEvents(traceSource(input, opts, OPTS))
          .map(formatEvent)
          .map(namer(scanTraceInput(input, opts)));
      const fromFile = named({ path: file });
      expect(fromFile.length).toBeGreaterThan(1000);
      expect(fromFile).toEqual(named({ text: lines.join('\n') }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
