import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLAG_ZEROING } from '../../src/workloads/events.js';
import { loadRunConfig, parseRunConfig } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';
import { collectEvents, formatEvent } from '../../src/workloads/stream.js';
import {
  FtraceParser,
  FtraceSource,
  TraceError,
  parseFtraceFile,
  parseFtraceFileSync,
  parseFtraceText,
  type FtraceSourceOptions,
} from '../../src/workloads/trace/ftrace.js';
import { checkStream } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const fx = (name: string) => join(here, '..', 'fixtures', 'ftrace', name);
const rel = (name: string) => `test/fixtures/ftrace/${name}`;
const OPTS: FtraceSourceOptions = { initMode: 'init_on_alloc', zeroCyclesPerPage: 1200, cpuGhz: 3, onlineCpus: 4 };
const events = (
  text: string,
  parse: Parameters<typeof parseFtraceText>[1] = {},
  opts: Partial<FtraceSourceOptions> = {},
) =>
  collectEvents(new FtraceSource(parseFtraceText(text, { onlineCpus: 4, ...parse }), { ...OPTS, ...opts })).map(
    formatEvent,
  );
const line = (task: string, cpu: number, ts: string, body: string) => `${task} [00${cpu}] ..... ${ts}: ${body}`;
const alloc = (pfn: string, order: number, gfp = 'GFP_KERNEL|__GFP_UNMAPPED') =>
  `mm_page_alloc: page=0000000012345678 pfn=${pfn} order=${order} migratetype=0 gfp_flags=${gfp}`;
const free = (pfn: string, order: number) => `mm_page_free: page=0000000012345678 pfn=${pfn} order=${order}`;

describe('ftrace: the fixture in the kernel format', () => {
  it('strict: the first malformed line is an error naming file:line, exit status 2', () => {
    const file = rel('mixed.trace');
    expect(() => parseFtraceFileSync(file)).toThrow(
      new TraceError(file, 15, 'malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"'),
    );
    try {
      parseFtraceFileSync(file);
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
    const t = parseFtraceFileSync(file, { lenient: true });
    expect(t.summary).toEqual({
      lines: 29,
      skippedHeader: 13,
      skippedOther: 4,
      malformed: 6,
      allocs: 4,
      frees: 2,
      failedAllocs: 0,
      unmappedAllocs: 3,
      unmappedFrees: 2,
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
    });
    const s = t.summary;
    expect(s.lines).toBe(s.skippedHeader + s.skippedOther + s.malformed + s.allocs + s.frees);
    // tasks: pid, and the (TGID) column groups threads into one mm
    expect(t.taskLabel).toEqual(['kworker/3:1-123', 'gnome-shell-2210', 'bash-1977', 'gnome-shell-2214']);
    expect(Array.from(t.taskMm)).toEqual([0, 1, 2, 1]);
  });

  it('clean trace: summary and the exact event stream (init_on_alloc)', () => {
    const t = parseFtraceFileSync(rel('clean.trace'), { onlineCpus: 4 });
    expect(t.summary).toMatchObject({
      lines: 25,
      skippedHeader: 12,
      skippedOther: 4,
      malformed: 0,
      allocs: 6,
      frees: 3,
      failedAllocs: 1,
      unmappedAllocs: 4,
      unmappedFrees: 2,
      used: 6,
      lostEvents: 17,
    });
    expect(t.taskLabel).toEqual(['kworker/3:1-123', 'bash-1977', 'qemu-kvm-vcpu-4402', '<idle>-0']);
    const src = new FtraceSource(t, OPTS);
    expect(Array.from(src.topology.taskCpu)).toEqual([0, 0, 2, 0]);
    expect(collectEvents(src).map(formatEvent)).toEqual([
      // bash, order 3 at +6 µs: 8 pages x 400 ns of zeroing
      '6000 c0 k1 switch a=0 b=0 pfn=-1 f=0',
      '6000 c0 k1 get a=8 b=0 pfn=1090048 f=2',
      '9200 c0 k1 put a=8 b=0 pfn=1090048 f=2',
      // qemu, order 9
      '66000 c2 k2 switch a=0 b=0 pfn=-1 f=0',
      '66000 c2 k2 get a=512 b=1 pfn=2097152 f=2',
      // bash shows up on CPU 1: it migrated
      '166000 c0 k1 migrate a=1 b=0 pfn=-1 f=0',
      '166000 c1 k1 switch a=0 b=0 pfn=-1 f=0',
      '166000 c1 k1 get a=1 b=2 pfn=1090304 f=2',
      '166400 c1 k1 put a=1 b=2 pfn=1090304 f=2',
      '270800 c2 k2 put a=512 b=1 pfn=2097152 f=2',
      // the frees of unmapped pages (the kworker page was not unmapped: no event)
      '366000 c-1 k-1 free a=1090048 b=8 pfn=1090048 f=0',
      '566000 c-1 k-1 free a=1090304 b=1 pfn=1090304 f=0',
      '766000 c2 k2 get a=512 b=3 pfn=2097664 f=2',
      '970800 c2 k2 put a=512 b=3 pfn=2097664 f=2',
    ]);
  });

  it('init_on_free: the zeroing runs at the free, right before the FREE', () => {
    const t = parseFtraceFileSync(rel('clean.trace'), { onlineCpus: 4 });
    const ev = collectEvents(new FtraceSource(t, { ...OPTS, initMode: 'init_on_free' })).map(formatEvent);
    expect(ev).toEqual([
      '366000 c1 k1 switch a=0 b=0 pfn=-1 f=0',
      '366000 c1 k1 get a=8 b=0 pfn=1090048 f=2',
      '369200 c1 k1 put a=8 b=0 pfn=1090048 f=2',
      '369200 c-1 k-1 free a=1090048 b=8 pfn=1090048 f=0',
      '566000 c0 k3 switch a=0 b=0 pfn=-1 f=0',
      '566000 c0 k3 get a=1 b=1 pfn=1090304 f=2',
      '566400 c0 k3 put a=1 b=1 pfn=1090304 f=2',
      '566400 c-1 k-1 free a=1090304 b=1 pfn=1090304 f=0',
    ]);
  });

  it('reading a string, a file synchronously and a file through readline give the same trace', async () => {
    const text = readFileSync(fx('mixed.trace'), 'utf8');
    const a = parseFtraceText(text, { file: rel('mixed.trace'), lenient: true });
    const b = parseFtraceFileSync(rel('mixed.trace'), { lenient: true });
    const c = await parseFtraceFile(rel('mixed.trace'), { lenient: true });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const crlf = parseFtraceText(text.replace(/\n/g, '\r\n'), { file: rel('mixed.trace'), lenient: true });
    expect(crlf.summary).toEqual(a.summary);
    await expect(parseFtraceFile(rel('mixed.trace'))).rejects.toThrow(`${rel('mixed.trace')}:15: malformed line`);
  });

  it('as a configured workload, with the path relative to the config file', () => {
    const c = loadRunConfig(join(here, '..', 'fixtures', 'configs', 'ftrace.yaml'));
    const src = createEventSource(c);
    expect(src.info.kind).toBe('ftrace');
    expect(src.info.ftrace?.used).toBe(6);
    const f = checkStream(src, 4, { distinctPfns: true });
    expect(f.byKind).toEqual({ switch: 3, get: 4, put: 4, migrate: 1, free: 2 });
  });
});

describe('ftrace: line formats and selection', () => {
  it('timestamps order the events: an unsorted trace is sorted by time, then line', () => {
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
      '10000 c1 k1 switch a=0 b=0 pfn=-1 f=0',
      '10000 c1 k1 get a=512 b=1 pfn=8192 f=2',
      '20000 c1 k1 put a=512 b=1 pfn=8192 f=2',
      '20000 c1 k1 migrate a=2 b=0 pfn=-1 f=0',
      '20000 c2 k1 switch a=0 b=0 pfn=-1 f=0',
      '20000 c2 k1 get a=512 b=2 pfn=12288 f=2',
      '21000 c2 k1 put a=512 b=2 pfn=12288 f=2',
      '21000 c-1 k-1 free a=12288 b=512 pfn=12288 f=0',
    ]);
  });

  it('formats: no irq-info flags, 4-character flags, a (TGID) column, decimal pfns, ns counters, batched frees', () => {
    const text = [
      `           bash-1977  [000]  10.000000: ${alloc('4096', 1)}`,
      `           bash-1978  (   1977) [001] d..1  10.000001: ${alloc('0x2000', 0)}`,
      '           bash-1977  [000] .....  10.000002: mm_page_free_batched: page=0000000012345678 pfn=0x2000',
      `          <idle>-0    [002] d.s2. 12000000003: ${alloc('0x3000', 0)}`,
    ].join('\n');
    const t = parseFtraceText(text);
    expect(t.summary).toMatchObject({ allocs: 3, frees: 1, malformed: 0, unmappedAllocs: 3, unmappedFrees: 1 });
    expect(Array.from(t.taskMm)).toEqual([0, 0, 1]);
    expect(Array.from(t.pfn)).toEqual([4096, 0x2000, 0x2000, 0x3000]);
    expect(Array.from(t.order)).toEqual([1, 0, 0, 0]);
    // 10.000000 s = 1e10 ns; the counter timestamp 12000000003 is taken as ns
    expect(t.summary.firstTimestampNs).toBe(1e10);
    expect(Array.from(t.time)).toEqual([0, 1000, 2000, 2_000_000_003]);
  });

  it('gfp filter: all listed flags must be present; "*" takes every allocation', () => {
    const text = [
      line('a-10', 0, '1.0', alloc('0x1000', 0, 'GFP_KERNEL')),
      line('a-10', 0, '1.1', alloc('0x2000', 0, 'GFP_KERNEL|__GFP_ZERO')),
      line('a-10', 0, '1.2', alloc('0x3000', 0, '0x100cc0(GFP_KERNEL|__GFP_ZERO)')),
      line('a-10', 0, '1.3', alloc('0x4000', 0, 'GFP_KERNEL|__GFP_UNMAPPED')),
    ].join('\n');
    expect(parseFtraceText(text).summary.unmappedAllocs).toBe(1);
    expect(parseFtraceText(text, { gfpFilter: 'GFP_KERNEL|__GFP_ZERO' }).summary.unmappedAllocs).toBe(2);
    expect(parseFtraceText(text, { gfpFilter: '*' }).summary.unmappedAllocs).toBe(4);
    // gfp_zero: only allocations with __GFP_ZERO are zeroed
    const zeroed = events(text, { gfpFilter: '*' }, { initMode: 'gfp_zero' }).filter((e) => e.includes(' get '));
    expect(zeroed.map((e) => e.split(' ').at(-2))).toEqual(['pfn=8192', 'pfn=12288']);
  });

  it('a seeded fraction picks a deterministic share of the allocations', () => {
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
    const pick = (seed: number) => {
      const t = parseFtraceText(text, { gfpFilter: '*', unmappedFraction: 0.1, seed });
      return { n: t.summary.unmappedAllocs, which: Array.from(t.sel).join('') };
    };
    const a = pick(1);
    expect(Math.abs(a.n / 20_000 - 0.1)).toBeLessThan(0.01);
    expect(pick(1)).toEqual(a);
    expect(pick(2).which).not.toBe(a.which);
    expect(a.n).toBe(2035);
  });

  it('failed allocations are counted, not used; frees of unknown pages are not used', () => {
    const text = [
      line('a-10', 0, '1.0', alloc('0xffffffffffffffff', 2)),
      line('a-10', 0, '1.1', free('0x9000', 0)),
    ].join('\n');
    const t = parseFtraceText(text);
    expect(t.summary).toMatchObject({ allocs: 1, failedAllocs: 1, frees: 1, unmappedFrees: 0, used: 0 });
    expect(events(text)).toEqual([]);
  });

  it('an event on a CPU that is not online is an error, lenient or not', () => {
    const text = line('a-10', 7, '1.0', alloc('0x1000', 0));
    expect(() => parseFtraceText(text, { file: 't', onlineCpus: 4, lenient: true })).toThrow(
      new TraceError('t', 1, 'cpu 7 is not online (machine.onlineCpus is 4)'),
    );
  });

  it('the streaming parser keeps only the first five malformed messages', () => {
    const p = new FtraceParser({ file: 'bad', lenient: true });
    for (let i = 0; i < 8; i++) p.pushLine('garbage');
    const t = p.finish();
    expect(t.summary.malformed).toBe(8);
    expect(t.summary.malformedExamples).toHaveLength(5);
    expect(t.summary.malformedExamples[4]).toBe(
      'bad:5: malformed line: expected "TASK-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: FIELDS"',
    );
  });

  it('GETs from a trace carry the ZEROING flag', () => {
    const t = parseFtraceText(line('a-10', 0, '1.0', alloc('0x1000', 0)));
    const ev = collectEvents(new FtraceSource(t, OPTS));
    expect(ev.filter((e) => e.kind === 'get').map((e) => e.flags)).toEqual([FLAG_ZEROING]);
  });

  it('an unreadable trace is a config error naming the path', () => {
    const c = parseRunConfig({ workload: { kind: 'ftrace', path: 'no-such.trace' } });
    expect(() => createEventSource(c)).toThrow('workload.path: no-such.trace: cannot read the file (ENOENT)');
  });
});
