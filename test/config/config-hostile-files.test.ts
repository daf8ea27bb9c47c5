import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, locateJsonError, parseConfigText, parseRunConfig } from '../../src/config/index.js';
import { issuesOf } from './helpers.js';

describe('hostile config files: one line, no crash', () => {
  const BOMB = [
    'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    '',
  ].join('\n');

  it('a YAML alias bomb stops at 100 alias expansions', () => {
    expect(() => parseConfigText(BOMB, 'bomb.yaml', 'yaml')).toThrow(
      new ConfigError('bomb.yaml', [
        'bomb.yaml: invalid YAML: aliases expand more than 100 times (a YAML alias bomb?)',
      ]),
    );
    expect(new ConfigError('bomb.yaml', ['bomb.yaml: invalid YAML: x']).message).toBe('bomb.yaml: invalid YAML: x');
  });

  it('an alias without its anchor is a YAML error, not a crash', () => {
    expect(() => parseConfigText('seed: *nope\n', 'a.yaml', 'yaml')).toThrow(
      new ConfigError('a.yaml', [
        'a.yaml: invalid YAML: Unresolved alias (the anchor must be set before the alias): nope',
      ]),
    );
  });

  it('JSON nested 100,000 deep stops at the 65th level, at its line:column', () => {
    const deep = `{"name":\n${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseConfigText(deep, 'deep.json', 'json')).toThrow(
      new ConfigError('deep.json', ['deep.json:2:64: invalid JSON: nests deeper than 64 levels']),
    );
    expect(locateJsonError(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeNull();
    expect(locateJsonError(`${'['.repeat(65)}${']'.repeat(65)}`)).toEqual({
      offset: 64,
      message: 'nests deeper than 64 levels',
    });
  });

  it('YAML nested deeper than 64 levels, and such an object from code', () => {
    const yaml = `name: ${'['.repeat(70)}${']'.repeat(70)}\n`;
    expect(() => parseConfigText(yaml, 'deep.yaml', 'yaml')).toThrow(
      new ConfigError('deep.yaml', [
        'deep.yaml: invalid YAML: nests deeper than 64 levels (at name[0][0][0][0][0][0][0][0][0][0][0]...)',
      ]),
    );
    let v: unknown = 1;
    for (let i = 0; i < 5000; i++) v = [v];
    expect(() => parseRunConfig({ name: v }, 'code')).toThrow(
      new ConfigError('code', ['code: nests deeper than 64 levels']),
    );
  });

  it('duplicate JSON keys are rejected at file:line:column, as YAML does', () => {
    expect(() => parseConfigText('{\n  "seed": 1,\n  "machine": {},\n  "seed": 2\n}\n', 'dup.json', 'json')).toThrow(
      new ConfigError('dup.json', ['dup.json:4:3: invalid JSON: duplicate key "seed" (keys must be unique)']),
    );
    expect(locateJsonError('{"a": {"b": 1}, "c": {"b": 2}}')).toBeNull();
    expect(locateJsonError('{"a": {"b": 1, "\\u0062": 2}}')).toEqual({
      offset: 15,
      message: 'duplicate key "b" (keys must be unique)',
    });
  });

  it('every issue once: repeated lines are printed once, after a first line naming the file', () => {
    const e = new ConfigError('x.yaml', [
      'x.yaml:2:1: invalid YAML: A',
      'x.yaml:3:1: invalid YAML: B',
      'x.yaml:2:1: invalid YAML: A',
    ]);
    expect(e.issues).toEqual(['x.yaml:2:1: invalid YAML: A', 'x.yaml:3:1: invalid YAML: B']);
    expect(e.message).toBe('x.yaml: invalid config:\n  x.yaml:2:1: invalid YAML: A\n  x.yaml:3:1: invalid YAML: B');
    expect(e.exitCode).toBe(2);
    expect(e).toBeInstanceOf(InputError);
    expect(e.file).toBe('x.yaml');
  });

  it('sizes are bounded by the same limits as the CLI flags', () => {
    expect(issuesOf({ mermap: { regionPages: 300_000 } })).toEqual([
      'mermap.regionPages: 300000 is not allowed: must be a whole number of pages in 2..262144',
    ]);
    expect(issuesOf({ mermap: { slots: 5000, kmapSlots: 2000 } })).toEqual([
      'mermap.slots: 5000 is not allowed: must be a whole number of slots in 1..1024',
      'mermap.kmapSlots: 2000 is not allowed: must be a whole number of slots in 1..1024',
    ]);
    expect(issuesOf({ workload: { kind: 'unmapped-alloc', mmsPerCpu: 1_000_000, threadsPerMm: 100_000_000 } })).toEqual(
      [
        'workload.mmsPerCpu: 1000000 is not allowed: must be a whole number of processes in 1..1024',
        'workload.threadsPerMm: 100000000 is not allowed: must be a whole number of threads in 1..1024',
      ],
    );
    // 8192 x 1024 x 1024 tasks: more than any kernel runs; 4 x 1024 x 1024 = PID_MAX_LIMIT is allowed
    expect(
      issuesOf({
        machine: { possibleCpus: 8192 },
        workload: { kind: 'unmapped-alloc', mmsPerCpu: 1024, threadsPerMm: 1024 },
      }),
    ).toEqual([
      'workload.threadsPerMm: 1024 is not allowed: 8589934592 tasks (online CPUs x mmsPerCpu x threadsPerMm) are more than PID_MAX_LIMIT (4194304)',
    ]);
    expect(
      parseRunConfig({
        machine: { possibleCpus: 4 },
        workload: { kind: 'unmapped-alloc', mmsPerCpu: 1024, threadsPerMm: 1024 },
      }).workload,
    ).toMatchObject({ mmsPerCpu: 1024, threadsPerMm: 1024 });
    expect(issuesOf({ machine: { possibleCpus: 300_000 } })).toEqual([
      'machine.possibleCpus: 300000 is not allowed: must be a whole number of CPUs in 1..8192',
    ]);
  });

  it('every workload size and duration is bounded: accepted at the bound, refused one step past it', () => {
    const ua = (w: Record<string, unknown>) => ({ workload: { kind: 'unmapped-alloc', ...w } });
    const mb = (w: Record<string, unknown>) => ({ workload: { kind: 'microbench', ...w } });
    const atBound = [
      ua({ tlbPressure: { touchesPerOp: 1024, userPagesPerMm: 2 ** 20, globalPages: 2 ** 24 } }),
      ua({ holdAfterZeroUs: 1e9, timeSliceUs: 1e9, cpuGhz: 100 }),
      ua({ zeroCyclesPerPage: 1e6, cpuGhz: 100 }),
      mb({ mode: 'window', window: 1024, sizes: { dist: 'uniform', min: 1, max: 2 ** 18 }, opNs: 1e12 }),
      { workload: { kind: 'guest-memfd-populate', guestGiB: 65536, faultGapUs: 1e9, cpuGhz: 0.1 } },
      { length: { seconds: 1e6 } },
    ];
    for (const c of atBound) expect(() => parseRunConfig(c)).not.toThrow();
    expect(
      issuesOf(ua({ tlbPressure: { touchesPerOp: 1024.5, userPagesPerMm: 2 ** 20 + 1, globalPages: 2 ** 24 + 1 } })),
    ).toEqual([
      'workload.tlbPressure.userPagesPerMm: 1048577 is not allowed: must be a whole number of pages in 0..1048576',
      'workload.tlbPressure.globalPages: 16777217 is not allowed: must be a whole number of pages in 0..16777216',
      'workload.tlbPressure.touchesPerOp: 1024.5 is not allowed: must be a number of touches in [0, 1024]',
    ]);
    expect(issuesOf(mb({ mode: 'window', window: 1025, sizes: { dist: 'fixed', pages: 2 ** 18 + 1 } }))).toEqual([
      'workload.window: 1025 is not allowed: must be a whole number of allocations in 1..1024',
      'workload.sizes.pages: 262145 is not allowed: must be a whole number of pages in 1..262144',
    ]);
    expect(
      issuesOf({ workload: { kind: 'guest-memfd-populate', guestGiB: 65537, faultGapUs: 1e9 + 1, cpuGhz: 0.09 } }),
    ).toEqual([
      'workload.guestGiB: 65537 is not allowed: must be a size in GiB in (0, 65536]',
      'workload.cpuGhz: 0.09 is not allowed: must be a clock in GHz in [0.1, 100]',
      'workload.faultGapUs: 1000000001 is not allowed: must be a duration in µs in [0, 1000000000]',
    ]);
    expect(issuesOf({ length: { seconds: 1e6 + 1 } })).toEqual([
      'length.seconds: 1000001 is not allowed: must be a number of seconds in (0, 1000000]',
    ]);
  });

  it('unmapped-alloc: the zeroing offered to a CPU is at most 100 times what it can do', () => {
    // 4 pages per allocation (order 2 only), 1000 cycles at 1 GHz: 4 us of zeroing per allocation
    const orders = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const w = (more: Record<string, unknown>) => ({
      workload: { kind: 'unmapped-alloc', orders, zeroCyclesPerPage: 1000, cpuGhz: 1, ...more },
    });
    // 25 M allocations/s x 4 us = 100: allowed; twice that is not
    expect(parseRunConfig(w({ ratePerCpuHz: 25e6 })).workload).toMatchObject({ ratePerCpuHz: 25e6 });
    expect(issuesOf(w({ ratePerCpuHz: 50e6 }))).toEqual([
      'workload.ratePerCpuHz: 50000000 is not allowed: it offers each CPU 200 times the zeroing it can do ' +
        '(rate x 4.00 pages per allocation x zeroCyclesPerPage / cpuGhz), more than 100',
    ]);
    // bursty: the load is the mean's; the rate while on (x (on + off) / on) is at most 10^8 Hz
    const bursty = (rate: number, off: number) =>
      w({ ratePerCpuHz: rate, arrival: 'bursty', burstOnUs: 1, burstOffUs: off });
    expect(parseRunConfig(bursty(25e6, 3)).workload).toMatchObject({ ratePerCpuHz: 25e6 });
    expect(issuesOf(bursty(20e6, 5))).toEqual([
      'workload.ratePerCpuHz: 20000000 is not allowed: while a burst is on it is 1.20e+8 Hz ' +
        '(x (burstOnUs + burstOffUs) / burstOnUs), more than 100000000',
    ]);
    // the defaults offer 20,000 x 8.398 pages x 299 ns = 0.05
    expect(parseRunConfig({ workload: { kind: 'unmapped-alloc' } }).workload).toMatchObject({ ratePerCpuHz: 20000 });
  });
});
