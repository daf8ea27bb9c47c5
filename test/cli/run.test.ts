import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch-dir.js';

describe('mermap-lab run', () => {
  it('--json carries the documented fields, and the same config gives the same numbers', () => {
    const a = cli(['run', '--preset', 'kunit-tight', '--json']);
    expect(a.status).toBe(0);
    const j = JSON.parse(a.stdout);
    for (const k of [
      'events',
      'gets',
      'puts',
      'flushes',
      'failures',
      'fallbackPages',
      'violations',
      'allocations',
      'skippedLines',
      'eventsPerSecond',
    ])
      expect(j).toHaveProperty(k);
    // kunit-tight: 1-page get/put pairs on one CPU, R = 512: one flush per 511 gets after the first 511
    expect(j.gets).toBe(50_000);
    expect(j.flushes).toBe(Math.floor((50_000 - 1) / 511));
    expect(j.getsBetweenFlushes.p50).toBe(511);
    const b = JSON.parse(cli(['run', '--preset', 'kunit-tight', '--json']).stdout);
    const strip = (o: Record<string, unknown>) => ({ ...o, eventsPerSecond: 0, wallSeconds: 0 });
    expect(strip(b)).toEqual(strip(j));
  });

  it('the human summary ends with the region of CPU 0 in the diagram notation', () => {
    const r = cli(['run', '--preset', 'kunit-tight', '--region-pages', '16', '--events', '41']);
    expect(r.status).toBe(0);
    // 41 events = the CPU's first SWITCH + 20 get/put pairs; 15 normal pages per epoch: the 16th
    // get flushed, gets 16..20 took offsets 0..4 and were put: one flush-pending block
    expect(r.stdout).toContain('region of CPU 0 (mm 0) at the end:\n  TtttT__________|_\n');
    expect(r.stdout).toContain('gets        20: 20 fast-path, 0 reserved (0.00 %);');
    // 1 flush / 20 allocations; 1,000 x 1 / 20 fast-path gets
    expect(r.stdout).toContain('flushes     1: 0.0500 per allocation, ');
    expect(r.stdout).toContain(' 50.00 per 1,000 fast-path gets (50.00 per 1,000 gets with reserved ones)');
    expect(r.stdout).toMatch(/^mermap-lab run: rfc-v1, R = 16 pages/);
  });

  it('the summary lists each violation kind with an explanation and its first event; PREEMPT_RT per call site', () => {
    const dir = scratchDir('mermap-run-');
    const cfg = join(dir, 'window.json');
    const config = {
      seed: 1,
      machine: { possibleCpus: 4 },
      mermap: { variant: 'rfc-later', regionPages: 64 },
      workload: { kind: 'microbench', mode: 'window', window: 3, reservedFraction: 0.3 },
      length: { events: 40000 },
    };
    writeFileSync(cfg, JSON.stringify(config));
    const r = cli(['run', cfg]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('violations  '));
    expect(lines.slice(at, at + 3)).toEqual([
      'violations  reuse_without_flush 92',
      '  reuse_without_flush 92: a page was mapped again while a CPU that had it present since its last full flush may still cache the old translation (facts §5.1)',
      expect.stringMatching(
        /^ {4}first: op [\d,]+, CPU \d, address 0x[0-9a-f]{16}: page mapped again before its CPU flushed the old translation$/,
      ),
    ]);
    expect(lines[at + 3]).toBe('region of CPU 0 (mm 0) at the end:');
    writeFileSync(
      cfg,
      JSON.stringify({
        ...config,
        mermap: { variant: 'rfc-v1', regionPages: 64 },
        machine: { possibleCpus: 4, preemptRt: true },
      }),
    );
    const rt = cli(['run', cfg]).stdout;
    expect(rt).toMatch(
      /\n {2}lock_in_atomic 4 call sites \(get [\d,]+ events, reserved get 5,974 events, put [\d,]+ events, reserved put [\d,]+ events\): the PTE spinlock/,
    );
  });

  it('guest-boot: every order-9 allocation takes the slow path under rfc-v1 with a 512-page region, and none with 1024 pages', () => {
    const v1 = JSON.parse(cli(['run', '--preset', 'guest-boot', '--json']).stdout);
    expect(v1.allocations).toBe(512); // 1 GiB / 2 MiB
    expect(v1.fastPathFailures).toBe(512);
    expect(v1.failures.no_space).toBe(512);
    expect(v1.fallbackPages).toBe(262_144);
    expect(v1.reservedGets).toBe(262_144);
    const big = JSON.parse(cli(['run', '--preset', 'guest-boot', '--region-pages', '1024', '--json']).stdout);
    expect(big.fastPathFailures).toBe(0);
    expect(big.fallbackPages).toBe(0);
  });

  it('an ftrace trace: used allocations and skipped lines counted; malformed lines stop it unless --lenient', () => {
    const strict = cli(['run', '--trace', 'test/fixtures/ftrace/mixed.trace']);
    expect(strict.status).toBe(2);
    expect(strict.stderr).toMatch(/^mermap-lab: test\/fixtures\/ftrace\/mixed\.trace:15: malformed line/);
    expect(strict.stdout).toBe('');
    const lenient = JSON.parse(
      cli(['run', '--trace', 'test/fixtures/ftrace/mixed.trace', '--lenient', '--json']).stdout,
    );
    expect(lenient.allocations).toBe(3);
    expect(lenient.skippedLines).toBe(23);
  });

  it('a trace: the empty selection stops with exit 2 and says how to choose; --gfp-filter, --sample, --format', () => {
    const empty = cli(['run', '--trace', 'test/fixtures/ftrace/perf-script.txt']);
    expect(empty.status).toBe(2);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe(
      "mermap-lab: test/fixtures/ftrace/perf-script.txt: 3 mm_page_alloc lines read (0 failed), none matched --gfp-filter __GFP_UNMAPPED (the default; no released kernel has __GFP_UNMAPPED): choose them with --gfp-filter 'GFP_KERNEL|__GFP_ZERO' (flag names, all required), --gfp-filter 0xMASK (numeric flags) or --gfp-filter '*' (all), and --sample FRACTION to take a share\n",
    );
    const perf = cli([
      'run',
      '--trace',
      'test/fixtures/ftrace/perf-script.txt',
      '--gfp-filter',
      'GFP_KERNEL',
      '--json',
    ]);
    expect(perf.status).toBe(0);
    const j = JSON.parse(perf.stdout);
    expect(j.config.machine.possibleCpus).toBe(3); // no header: the highest CPU + 1
    expect(j.trace).toMatchObject({
      format: 'perf',
      lines: 15,
      allocs: 3,
      frees: 1,
      selected: 3,
      refusedNoMm: 1,
      unmappedAllocs: 2,
      unmappedFrees: 1,
      malformed: 0,
      lostEvents: 0,
      skippedOther: 1,
    });
    const text = cli(['run', '--trace', 'test/fixtures/ftrace/trace-cmd.txt', '--gfp-filter', '0x152cc0']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(
      'trace       trace-cmd: 9 lines, 4 allocations (0 failed), 1 frees, 2 other events, 0 lost events\n',
    );
    expect(text.stdout).toContain('mms         one per pid: the trace has no TGID column');
    expect(text.stdout).toMatch(/^mermap-lab run: rfc-v1, .*, 4 online CPUs \(4 possible\)/); // cpus=4
    const sampled = JSON.parse(
      cli(['run', '--trace', 'test/fixtures/ftrace/trace-cmd.txt', '--gfp-filter', '*', '--sample', '0.5', '--json'])
        .stdout,
    );
    expect(sampled.trace).toMatchObject({ selected: 3, unmappedAllocs: 2 }); // seed 1 drops one of the 4
    const wrong = cli(['run', '--trace', 'test/fixtures/ftrace/perf-script.txt', '--format', 'ftrace']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/perf-script\.txt:1: malformed line: expected "TASK-PID/);
    expect(cli(['run', '--preset', 'default', '--gfp-filter', '*']).status).toBe(2);
    expect(cli(['run', '--trace', 'test/fixtures/ftrace/perf-script.txt', '--sample', '2']).status).toBe(2);
  });

  it('a trace whose header has more CPUs than the simulator models says so, and --cpus runs it', () => {
    const dir = scratchDir('mermap-run-cpus-');
    const trace = join(dir, 'wide.trace');
    const clean = readFileSync('test/fixtures/ftrace/clean.trace', 'utf8');
    writeFileSync(trace, clean.replace('#P:4', '#P:99999'));
    const wide = cli(['run', '--trace', trace]);
    expect([wide.status, wide.stderr]).toEqual([
      2,
      `mermap-lab: ${trace}: the trace has 99999 possible CPUs, more than the 8192 the simulator models: ` +
        'give --cpus N (a whole number of CPUs in 1..8192) for the CPUs its events use\n',
    ]);
    const four = cli(['run', '--trace', trace, '--cpus', '4', '--json']);
    expect(four.status).toBe(0);
    expect(JSON.parse(four.stdout).config.machine.possibleCpus).toBe(4);
  });

  it('config errors: every issue at once, naming field, value and what is allowed; exit 2', () => {
    const r = cli(['run', 'test/fixtures/configs/invalid.yaml']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'mermap-lab: test/fixtures/configs/invalid.yaml: invalid config:',
        '  machine.cpus: unknown field: allowed fields are possibleCpus, onlineCpus, onlineCpusCap, pagingLevels, tlb, directMapPageSize, preemptRt, shadowTlb',
        '  mermap.variant: "rfc-v2" is not allowed: must be one of "rfc-v1", "rfc-later", "dev-snapshot", "flush-on-put", "kmap-local", "vmap-block", "mermap-reuse", "mermap-invpcid"',
        '  mermap.regionPages: 1.5 is not allowed: must be a whole number of pages in 2..262144',
        '  workload.ratePerCpuHz: -5 is not allowed: must be a rate in Hz in [0, 100000000]',
        '  workload.orders: [1,0,0] is not allowed: must be 11 weights, one per order 0..10',
        '  workload.preemptProbability: 2 is not allowed: must be a probability in [0, 1]',
        '  machine.onlineCpus: 6 is not allowed: must be <= machine.possibleCpus (4)',
        '',
      ].join('\n'),
    );
    const p = cli(['run', '--preset', 'nope']);
    expect(p.status).toBe(2);
    expect(p.stderr).toBe(
      'mermap-lab: --preset nope is not known: one of default, kunit-tight, guest-boot, nested-slots\n',
    );
  });

  it('--out keeps the tables and `report` turns them into report.html, SVGs and PNGs', () => {
    const dir = scratchDir('mermap-run-');
    const r = cli(['run', '--preset', 'default', '--events', '20000', '--out', join(dir, 'run')]);
    expect(r.status).toBe(0);
    for (const f of ['run.json', 'per-cpu.csv', 'time-series.csv']) expect(existsSync(join(dir, 'run', f))).toBe(true);
    const rep = cli(['report', join(dir, 'run'), '--out', join(dir, 'report')]);
    expect(rep.stderr).toBe('');
    expect(rep.status).toBe(0);
    const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
    expect(html).toContain('data-chart-id="wasted-va-over-time"');
    expect(html).toContain('data-chart-id="region-timeline-cpu0"');
    const svg = readFileSync(join(dir, 'report', 'region-timeline-cpu0.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const png = readFileSync(join(dir, 'report', 'region-timeline-cpu0.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const bad = cli(['report', dir, '--out', join(dir, 'x')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`mermap-lab: ${dir}: neither a sweep folder (sweep.json) nor a run folder (run.json)\n`);
    // a folder that is not there, or a file, is named as such (it used to read "no results.arrow")
    const gone = join(dir, 'gone');
    const file = join(dir, 'run', 'run.json');
    expect(cli(['report', gone]).stderr).toBe(
      `mermap-lab: ${gone}: cannot read the folder (ENOENT: no such file or folder)\n`,
    );
    expect(cli(['summary', gone]).stderr).toBe(
      `mermap-lab: ${gone}: cannot read the folder (ENOENT: no such file or folder)\n`,
    );
    const asFile = cli(['summary', file]);
    expect([asFile.status, asFile.stderr]).toEqual([2, `mermap-lab: ${file}: not a folder (it is a file)\n`]);
  });
});

describe('scale and bad output folders', () => {
  it('1024 possible CPUs: page tables for every possible CPU, traffic on the online ones', () => {
    const r = cli(['run', '--preset', 'default', '--cpus', '1024', '--events', '30000', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    // 1024 PTE pages + ceil(1025 / 512) = 3 PMD pages + 1 PUD page (facts sheet §4.3)
    expect(j.pageTables.tablePagesPerMm).toBe(1028);
    expect(j.pageTables.bytesPerMm).toBe(1028 * 4096);
    expect(j.config.machine.onlineCpus).toBe(1024);
    expect(j.gets).toBeGreaterThan(0);
  });

  it('hostile config files and flags: exit 2, one line, no stack trace', () => {
    const dir = scratchDir('mermap-hostile-');
    const bomb = join(dir, 'bomb.yaml');
    writeFileSync(
      bomb,
      [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
        '',
      ].join('\n'),
    );
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"name": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const dup = join(dir, 'dup.json');
    writeFileSync(dup, '{\n  "seed": 1,\n  "seed": 2\n}\n');
    const cases: Array<[string[], string]> = [
      [['run', bomb], `mermap-lab: ${bomb}: invalid YAML: aliases expand more than 100 times (a YAML alias bomb?)\n`],
      [['run', deep], `mermap-lab: ${deep}:1:73: invalid JSON: nests deeper than 64 levels\n`],
      [['run', dup], `mermap-lab: ${dup}:3:3: invalid JSON: duplicate key "seed" (keys must be unique)\n`],
      [
        ['run', '--preset', 'kunit-tight', '--region-pages', '0x40'],
        `error: option '--region-pages <n>' argument '0x40' is invalid. --region-pages must be a whole number of pages in 2..262144, in decimal digits, got "0x40"\n`,
      ],
      [
        ['run', '--preset', 'kunit-tight', '--cpus', '300000'],
        `error: option '--cpus <n>' argument '300000' is invalid. --cpus must be a whole number of CPUs in 1..8192, got "300000"\n`,
      ],
      [
        ['run', '--preset', 'kunit-tight', '--events', '99999999999999999999'],
        `error: option '--events <n>' argument '99999999999999999999' is invalid. --events must be a whole number of events in 1..9007199254740991, got "99999999999999999999"\n`,
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = cli(args);
      expect([args, r.status, r.stdout, r.stderr]).toEqual([args, 2, '', stderr]);
    }
  });

  it('an unknown cost preset or override: exit 2, one line each, no stack trace', () => {
    const dir = scratchDir('mermap-cost-');
    const cfg = join(dir, 'cost.json');
    writeFileSync(cfg, JSON.stringify({ cost: { preset: 'ingo-2015', overrides: { invlpgCycle: 100 } } }));
    const r = cli(['run', cfg]);
    expect([r.status, r.stdout, r.stderr]).toEqual([
      2,
      '',
      `mermap-lab: ${cfg}: invalid config:\n` +
        '  cost.preset: "ingo-2015" is not allowed: must be one of "low", "molnar-2015", "hansen-2014", "kernel-tlb-c", "high"\n' +
        '  cost.overrides.invlpgCycle: unknown field: allowed fields are invlpgCycles, flushAllCycles, cr3Cycles, invpcidCycles, walkCycles, walkNoPscCycles, walkPscHitFraction, shootdownBaseCycles, ipiCycles, cpuGhz, flushCeilingPages, pteWriteCycles, lockCycles, irqSaveRestoreCycles, zeroCyclesPerPage\n',
    ]);
  });

  it('an output folder that cannot be created: exit 2 at once, one line', () => {
    const r = cli(['run', '--preset', 'kunit-tight', '--out', '/proc/mermap-lab-cannot-exist/run']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'mermap-lab: /proc/mermap-lab-cannot-exist/run: cannot create the folder (ENOENT: no such file or folder)\n',
    );
  });

  it('--out naming a file is refused before simulating (a billion events would not finish)', () => {
    const dir = scratchDir('mermap-run-out-');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'mine\n');
    const r = cli(['run', '--preset', 'kunit-tight', '--events', '1000000000', '--out', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`mermap-lab: cannot write to ${file} (it is a file, not a folder)\n`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it("--out holding another run's results, or a sweep's, is refused before simulating; the same run may write again", () => {
    const dir = scratchDir('mermap-run-out-');
    const out = join(dir, 'run');
    expect(cli(['run', '--preset', 'kunit-tight', '--events', '2000', '--out', out]).status).toBe(0);
    const first = readFileSync(join(out, 'per-cpu.csv'), 'utf8');
    expect(cli(['run', '--preset', 'kunit-tight', '--events', '2000', '--out', out]).status).toBe(0);
    // (it used to write the other run's files over the first's)
    const other = cli(['run', '--preset', 'kunit-tight', '--events', '1000000000', '--out', out]);
    expect([other.status, other.stderr]).toEqual([
      2,
      `mermap-lab: ${out}: holds the results of another run (run.json); choose another --out, or remove them\n`,
    ]);
    expect(readFileSync(join(out, 'per-cpu.csv'), 'utf8')).toBe(first);
    writeFileSync(join(dir, 'sweep.json'), '{}\n');
    const sweep = cli(['run', '--preset', 'kunit-tight', '--out', dir]);
    expect(sweep.stderr).toBe(`mermap-lab: ${dir}: holds a sweep's results; choose another --out\n`);
  });

  it('a run that fails leaves no output folder behind, and never writes through a link in it', () => {
    const dir = scratchDir('mermap-run-out-');
    const out = join(dir, 'new', 'run');
    const failed = cli(['run', '--trace', 'test/fixtures/ftrace/mixed.trace', '--out', out]);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/^mermap-lab: test\/fixtures\/ftrace\/mixed\.trace:15: malformed line[^\n]*\n$/);
    expect(readdirSync(dir)).toEqual([]);

    const linked = join(dir, 'linked');
    mkdirSync(linked);
    writeFileSync(join(dir, 'victim'), 'precious\n');
    symlinkSync(join(dir, 'victim'), join(linked, 'per-cpu.csv'));
    const r = cli(['run', '--preset', 'kunit-tight', '--events', '1000', '--out', linked]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `mermap-lab: ${join(linked, 'per-cpu.csv')} is a symbolic link; mermap-lab writes only regular files it owns (remove it first)\n`,
    );
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious\n');
    expect(readdirSync(linked)).toEqual(['per-cpu.csv']); // nothing half-written
  });

  it('terminal escape sequences in a value are printed as \\xHH', () => {
    const r = cli(['run', '--preset', 'kunit-tight', '--seed', '\x1b]0;owned\x07']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      '--seed must be a whole number in 0..9007199254740991, in decimal digits, got "\\x1b]0;owned\\x07"',
    );
    expect(r.stderr).not.toContain('\x1b');
  });
});

describe('bug 8.8 in a run', () => {
  it('faults.slowPathGlobalProt: every reserved map of the slow path fails with global_prot (a NULL dereference in the kernel)', () => {
    const dir = scratchDir('mermap-88-');
    const cfg = join(dir, 'c.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        mermap: { variant: 'rfc-v1' },
        workload: { kind: 'guest-memfd-populate', guestGiB: 0.125, vcpus: 2 },
        faults: { slowPathGlobalProt: true },
      }),
    );
    const j = JSON.parse(cli(['run', cfg, '--json']).stdout);
    expect(j.allocations).toBe(64); // 128 MiB of order-9 allocations
    expect(j.fallbackPages).toBe(64 * 512);
    expect(j.slowPath.mapFailures).toBe(64 * 512);
    expect(j.reservedGetFailures).toBe(64 * 512);
    expect(j.failures.global_prot).toBe(64 * 512);
  });
});
