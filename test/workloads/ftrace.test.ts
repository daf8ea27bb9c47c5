import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLAG_ZEROING } from '../../src/workloads/events.js';
import { loadRunConfig, parseRunConfig } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';
import { collectEvents, formatEvent } from '../../src/workloads/stream.js';
import {
  FtraceSource,
  TraceError,
  scanTraceInput,
  traceSource,
  type FtraceSourceOptions,
  type TraceScanOptions,
} from '../../src/workloads/trace/ftrace.js';
import { checkStream } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const fx = (name: string) => join(here, '..', 'fixtures', 'ftrace', name);
const rel = (name: string) => `test/fixtures/ftrace/${name}`;
/** the number of lines seed 1 samples at 0.1 of the 20,000 below (pinned) */
const SAMPLE_1 = 1966;
const OPTS: FtraceSourceOptions = { initMode: 'init_on_alloc', zeroCyclesPerPage: 1200, cpuGhz: 3, onlineCpus: 4 };
const scanText = (text: string, opts: TraceScanOptions = {}) => scanTraceInput({ text }, opts);
const scanFile = (file: string, opts: TraceScanOptions = {}) => scanTraceInput({ path: file }, opts);
const events = (text: string, parse: TraceScanOptions = {}, opts: Partial<FtraceSourceOptions> = {}) =>
  collectEvents(traceSource({ text }, { onlineCpus: 4, ...parse }, { ...OPTS, ...opts })).map(formatEvent);
/** scan a file and stream it to the end, so the stream's counts are in the summary */
const drained = (file: string, parse: TraceScanOptions = {}, opts: Partial<FtraceSourceOptions> = {}) => {
  const scan = scanFile(file, { onlineCpus: 4, ...parse, initMode: opts.initMode ?? 'init_on_alloc' });
  const ev = collectEvents(new FtraceSource({ path: file }, scan, { ...OPTS, ...opts })).map(formatEvent);
  return { scan, ev };
};
const line = (task: string, cpu: number, ts: string, body: string) => `${task} [00${cpu}] ..... ${ts}: ${body}`;
const alloc = (pfn: string, order: number, gfp = 'GFP_KERNEL|__GFP_UNMAPPED') =>
  `mm_page_alloc: page=0000000012345678 pfn=${pfn} order=${order} migratetype=0 gfp_flags=${gfp}`;
const free = (pfn: string, order: number) => `mm_page_free: page=0000000012345678 pfn=${pfn} order=${order}`;

describe('ftrace: the fixture in the kernel format', () => {
  it('strict: the first malformed line is an error naming file:line, exit status 2', () => {
    const file = rel('mixed.trace');
    expect(() => scanFile(file)).toThrow(
      new TraceError(file, 15, 'malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"'),
    );
    try {
      scanFile(file);
    } catch (e) {
      expect((e as TraceError).message).toBe(
        `${file}:15: malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"`,
      );
      expect((e as TraceError).exitCode).toBe(2);
      expect((e as TraceError).line).toBe(15);
    }
  });

  it('lenient: headers, other events, lost events and malformed lines are skipped and counted', () => {
    const file = rel('mixed.trace');
    const { scan: t } = drained(file, { lenient: true });
    expect(t.summary).toEqual({
      format: 'ftrace',
      lines: 29,
      skippedHeader: 13,
      skippedOther: 4,
      malformed: 6,
      allocs: 4,
      frees: 2,
      failedAllocs: 0,
      selected: 3,
      refusedNotInTask: 0,
      refusedNoMm: 0,
      unmappedAllocs: 3,
      unmappedFrees: 2,
      unreadyFreeZeroings: 0,
      used: 5,
      lostEvents: 3,
      malformedExamples: [
        `${file}:15: malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"`,
        `${file}:16: mm_page_alloc: missing order=`,
        `${file}:18: mm_page_alloc: pfn=0xzz00 is not a page frame number`,
        `${file}:19: mm_page_alloc: order=11 is not an order in 0..10`,
        `${file}:25: mm_page_free: missing order=`,
      ],
      firstTimestampNs: 5678901234000,
      possibleCpus: 4,
      cpusSeen: 4,
      irqInfo: true,
      mmsBy: 'tgid',
    });
    const s = t.summary;
    expect(s.lines).toBe(s.skippedHeader + s.skippedOther + s.malformed + s.allocs + s.frees);
    // tasks: pid, and the (TGID) column groups threads into one mm; the kworker has no mm
    expect(t.taskLabel).toEqual(['gnome-shell-2210', 'bash-1977', 'gnome-shell-2214']);
    expect(Array.from(t.taskMm)).toEqual([0, 1, 0]);
  });

  it('clean trace: summary and the exact event stream (init_on_alloc)', () => {
    const { scan: t, ev } = drained(rel('clean.trace'));
    expect(t.summary).toMatchObject({
      lines: 25,
      skippedHeader: 12,
      skippedOther: 4,
      malformed: 0,
      allocs: 6,
      frees: 3,
      failedAllocs: 1,
      selected: 4,
      unmappedAllocs: 4,
      unmappedFrees: 2,
      used: 6,
      lostEvents: 17,
    });
    // the kworker and the idle task have no mm: no task of the simulation
    expect(t.taskLabel).toEqual(['bash-1977', 'qemu-kvm-vcpu-4402']);
    expect(Array.from(t.taskCpu)).toEqual([0, 2]);
    expect(ev).toEqual([
      // bash, order 3 at +6 µs: 8 pages x 400 ns of zeroing
      '6000 c0 k0 switch a=0 b=0 pfn=-1 f=0',
      '6000 c0 k0 get a=8 b=0 pfn=1090048 f=2',
      '9200 c0 k0 put a=8 b=0 pfn=1090048 f=2',
      // qemu, order 9
      '66000 c2 k1 switch a=0 b=0 pfn=-1 f=0',
      '66000 c2 k1 get a=512 b=1 pfn=2097152 f=2',
      // bash shows up on CPU 1: it migrated
      '166000 c0 k0 migrate a=1 b=0 pfn=-1 f=0',
      '166000 c1 k0 switch a=0 b=0 pfn=-1 f=0',
      '166000 c1 k0 get a=1 b=2 pfn=1090304 f=2',
      '166400 c1 k0 put a=1 b=2 pfn=1090304 f=2',
      '270800 c2 k1 put a=512 b=1 pfn=2097152 f=2',
      // the frees of unmapped pages (the kworker page was not unmapped: no event)
      '366000 c-1 k-1 free a=1090048 b=8 pfn=1090048 f=0',
      // that free was bash's last line: its process exits
      '366000 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
      '566000 c-1 k-1 free a=1090304 b=1 pfn=1090304 f=0',
      '766000 c2 k1 get a=512 b=3 pfn=2097664 f=2',
      '970800 c2 k1 put a=512 b=3 pfn=2097664 f=2',
      // qemu's last line was that get: its process exits once the zeroing is over
      '970800 c-1 k-1 exit a=1 b=0 pfn=-1 f=0',
    ]);
  });

  it('init_on_free: the zeroing runs at the free, right before the FREE; the idle task cannot zero', () => {
    const { scan, ev } = drained(rel('clean.trace'), {}, { initMode: 'init_on_free' });
    expect(ev).toEqual([
      '366000 c1 k0 switch a=0 b=0 pfn=-1 f=0',
      '366000 c1 k0 get a=8 b=0 pfn=1090048 f=2',
      '369200 c1 k0 put a=8 b=0 pfn=1090048 f=2',
      '369200 c-1 k-1 free a=1090048 b=8 pfn=1090048 f=0',
      // bash's last line was that free, its zeroing is over
      '369200 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
      // the idle task frees an unmapped page: no mm, so clear_page_mermap fails both paths (§8.8)
      '566000 c-1 k-1 free a=1090304 b=1 pfn=1090304 f=0',
      // qemu's allocations zero nothing under init_on_free: it exits after its last line
      '766000 c-1 k-1 exit a=1 b=0 pfn=-1 f=0',
    ]);
    expect(scan.summary.unreadyFreeZeroings).toBe(1);
  });

  it('a string, a file and a CRLF copy give the same scan', () => {
    const text = readFileSync(fx('mixed.trace'), 'utf8');
    const a = scanText(text, { file: rel('mixed.trace'), lenient: true });
    const b = scanFile(rel('mixed.trace'), { lenient: true });
    expect(b.summary).toEqual(a.summary);
    expect(b.taskLabel).toEqual(a.taskLabel);
    const crlf = scanText(text.replace(/\n/g, '\r\n'), { file: rel('mixed.trace'), lenient: true });
    expect(crlf.summary).toEqual(a.summary);
  });

  it('as a configured workload, with the path relative to the config file', () => {
    const c = loadRunConfig(join(here, '..', 'fixtures', 'configs', 'ftrace.yaml'));
    const src = createEventSource(c);
    expect(src.info.kind).toBe('ftrace');
    const f = checkStream(src, 4, { distinctPfns: true });
    expect(src.info.ftrace?.used).toBe(6);
    expect(f.byKind).toEqual({ switch: 3, get: 4, put: 4, migrate: 1, free: 2, exit: 2 });
  });
});

describe('ftrace: line formats and selection', () => {
  it('timestamps order the events: an unsorted trace is merged by time, then line', () => {
    const text = [
      line('a-10', 1, '100.000300', alloc('0x1000', 0)),
      line('b-11', 2, '100.000100', alloc('0x2000', 0)),
      line('c-12', 3, '100.000100', alloc('0x3000', 0)),
    ].join('\n');
    expect(events(text, {}, { zeroCyclesPerPage: 0 }).filter((e) => e.includes('get'))).toEqual([
      '0 c2 k1 get a=1 b=0 pfn=8192 f=2',
      '0 c3 k2 get a=1 b=1 pfn=12288 f=2',
      '200000 c1 k0 get a=1 b=2 pfn=4096 f=2',
    ]);
  });

  it('a zeroing ends early when its CPU, its task or its pages show up again', () => {
    const text = [
      line('a-10', 1, '1.000000', alloc('0x1000', 9)), // 512 pages: 204.8 µs of zeroing
      line('b-11', 1, '1.000010', alloc('0x2000', 9)), // same CPU 10 µs later
      line('b-11', 2, '1.000020', alloc('0x3000', 9)), // same task, other CPU
      line('c-12', 3, '1.000021', free('0x3000', 9)), // its pages freed
    ].join('\n');
    expect(events(text)).toEqual([
      '0 c1 k0 switch a=0 b=0 pfn=-1 f=0',
      '0 c1 k0 get a=512 b=0 pfn=4096 f=2',
      '10000 c1 k0 put a=512 b=0 pfn=4096 f=2',
      // a's one line is behind it and its zeroing over: its process exits, before b's line goes on
      '10000 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
      '10000 c1 k1 switch a=0 b=0 pfn=-1 f=0',
      '10000 c1 k1 get a=512 b=1 pfn=8192 f=2',
      '20000 c1 k1 put a=512 b=1 pfn=8192 f=2',
      '20000 c1 k1 migrate a=2 b=0 pfn=-1 f=0',
      '20000 c2 k1 switch a=0 b=0 pfn=-1 f=0',
      '20000 c2 k1 get a=512 b=2 pfn=12288 f=2',
      '21000 c2 k1 put a=512 b=2 pfn=12288 f=2',
      '21000 c-1 k-1 exit a=1 b=0 pfn=-1 f=0',
      '21000 c-1 k-1 free a=12288 b=512 pfn=12288 f=0',
      // c's one line was that free
      '21000 c-1 k-1 exit a=2 b=0 pfn=-1 f=0',
    ]);
  });

  it('formats: no irq-info flags, 4-character flags, a (TGID) column, decimal pfns, ns counters, batched frees', () => {
    const text = [
      `           bash-1977  [000]  10.000000: ${alloc('4096', 1)}`,
      `           bash-1978  (   1977) [001] d..1  10.000001: ${alloc('0x2000', 0)}`,
      '           bash-1977  [000] .....  10.000002: mm_page_free_batched: page=0000000012345678 pfn=0x2000',
      `            sh-3000  [002] d..2. 12000000003: ${alloc('0x3000', 0)}`,
    ].join('\n');
    const t = scanText(text);
    expect(t.summary).toMatchObject({ allocs: 3, frees: 1, malformed: 0, unmappedAllocs: 3, mmsBy: 'tgid' });
    expect(Array.from(t.taskMm)).toEqual([0, 0, 1]);
    // 10.000000 s = 1e10 ns; the counter timestamp 12000000003 is taken as ns
    expect(t.summary.firstTimestampNs).toBe(1e10);
    expect(events(text, {}, { zeroCyclesPerPage: 0 }).filter((e) => !e.includes('switch'))).toEqual([
      '0 c0 k0 get a=2 b=0 pfn=4096 f=2',
      '0 c0 k0 put a=2 b=0 pfn=4096 f=2',
      '1000 c1 k1 get a=1 b=1 pfn=8192 f=2',
      '1000 c1 k1 put a=1 b=1 pfn=8192 f=2',
      '2000 c-1 k-1 free a=8192 b=1 pfn=8192 f=0',
      // the batched free was the last line of TGID 1977's two tasks
      '2000 c-1 k-1 exit a=0 b=0 pfn=-1 f=0',
      '2000000003 c2 k2 get a=1 b=2 pfn=12288 f=2',
      '2000000003 c2 k2 put a=1 b=2 pfn=12288 f=2',
      '2000000003 c-1 k-1 exit a=1 b=0 pfn=-1 f=0',
    ]);
  });

  it('gfp filter: all listed flags must be present; "*" takes every allocation', () => {
    const text = [
      line('a-10', 0, '1.0', alloc('0x1000', 0, 'GFP_KERNEL')),
      line('a-10', 0, '1.1', alloc('0x2000', 0, 'GFP_KERNEL|__GFP_ZERO')),
      line('a-10', 0, '1.2', alloc('0x3000', 0, '0x100cc0(GFP_KERNEL|__GFP_ZERO)')),
      line('a-10', 0, '1.3', alloc('0x4000', 0, 'GFP_KERNEL|__GFP_UNMAPPED')),
    ].join('\n');
    expect(scanText(text).summary.unmappedAllocs).toBe(1);
    expect(scanText(text, { gfpFilter: 'GFP_KERNEL|__GFP_ZERO' }).summary.unmappedAllocs).toBe(2);
    expect(scanText(text, { gfpFilter: '*' }).summary.unmappedAllocs).toBe(4);
    // gfp_zero: only allocations with __GFP_ZERO are zeroed
    const zeroed = events(text, { gfpFilter: '*' }, { initMode: 'gfp_zero' }).filter((e) => e.includes(' get '));
    expect(zeroed.map((e) => e.split(' ').at(-2))).toEqual(['pfn=8192', 'pfn=12288']);
  });

  it('a seeded sample picks a deterministic share of the allocations, whatever the read order', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++)
      lines.push(
        line(
          'w-7',
          i % 4,
          `5.${String(i).padStart(6, '0')}`,
          alloc(`0x${(0x100000 + i).toString(16)}`, 0, 'GFP_KERNEL'),
        ),
      );
    const text = lines.join('\n');
    const pick = (seed: number, t = text) => {
      const ev = events(t, { gfpFilter: '*', sample: 0.1, seed }, { zeroCyclesPerPage: 0 });
      return ev.filter((e) => e.includes(' get ')).map((e) => e.split(' ').at(-2));
    };
    const a = pick(1);
    expect(Math.abs(a.length / 20_000 - 0.1)).toBeLessThan(0.01);
    expect(pick(1)).toEqual(a);
    expect(pick(2)).not.toEqual(a);
    expect(a.length).toBe(SAMPLE_1);
    // the same lines, one CPU after another: the scan reads them in file order, the stream merges
    // the CPUs by time, and both pick the same ones (the draws follow line numbers)
    const byCpu = [0, 1, 2, 3].flatMap((c) => lines.filter((_, i) => i % 4 === c)).join('\n');
    const scan = scanText(byCpu, { gfpFilter: '*', sample: 0.1 });
    expect(scan.sorted).toBe(false);
    const merged = pick(1, byCpu);
    expect(merged.length).toBe(scan.summary.unmappedAllocs);
    const pfns = merged.map((p) => Number(p!.slice(4)));
    expect(pfns).toEqual([...pfns].sort((x, y) => x - y)); // time order = pfn order here
  });

  it('failed allocations are counted, not used; frees of unknown pages are not used', () => {
    const text = [
      line('a-10', 0, '1.0', alloc('0xffffffffffffffff', 2)),
      line('a-10', 0, '1.1', free('0x9000', 0)),
    ].join('\n');
    const t = scanText(text);
    expect(t.summary).toMatchObject({ allocs: 1, failedAllocs: 1, frees: 1, unmappedFrees: 0, used: 0 });
    // nothing to map: the process only exits, after its last line
    expect(events(text)).toEqual(['100000000 c-1 k-1 exit a=0 b=0 pfn=-1 f=0']);
  });

  it('an event on a CPU that is not online is an error naming the line, lenient or not', () => {
    const text = line('a-10', 7, '1.0', alloc('0x1000', 0));
    expect(() => scanText(text, { file: 't', onlineCpus: 4, lenient: true })).toThrow(
      new TraceError('t', 1, 'cpu 7, but the run has 4 online CPUs (--cpus or machine.onlineCpus)'),
    );
  });

  it('lenient: only the first five malformed messages are kept', () => {
    const t = scanText(Array(8).fill('garbage').join('\n'), { file: 'bad', lenient: true });
    expect(t.summary.malformed).toBe(8);
    expect(t.summary.malformedExamples).toHaveLength(5);
    expect(t.summary.malformedExamples[4]).toBe(
      'bad:5: malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"',
    );
  });

  it('GETs from a trace carry the ZEROING flag', () => {
    const ev = collectEvents(traceSource({ text: line('a-10', 0, '1.0', alloc('0x1000', 0)) }, {}, OPTS));
    expect(ev.filter((e) => e.kind === 'get').map((e) => e.flags)).toEqual([FLAG_ZEROING]);
  });

  it('an unreadable trace is a config error naming the path', () => {
    const c = parseRunConfig({ workload: { kind: 'ftrace', path: 'no-such.trace' } });
    expect(() => createEventSource(c)).toThrow(
      'workload.path: no-such.trace: cannot read the file (ENOENT: no such file or folder)',
    );
  });
});
