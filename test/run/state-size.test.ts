import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WASTED_VA_BYTES_PER_REGION } from '../../src/analysis/metrics/index.js';
import { Machine, type MachineConfig } from '../../src/core/machine.js';
import { PROT_KERNEL_NOGLOBAL } from '../../src/core/paging/pte.js';
import { runPoint } from '../../src/run/point.js';
import {
  checkStateSize,
  MAX_STATE_BYTES,
  maxStateBytes,
  usableMemoryBytes,
  MM_HEAP_BYTES,
  stateSize,
  watchStateGrowth,
} from '../../src/run/state-size.js';
import { InputError } from '../../src/util/input-error.js';
import { cli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch-dir.js';

// the bound these tests name is the default one (and their CLI runs inherit the environment)
delete process.env.MERMAP_LAB_MAX_STATE_GIB;

const machine = (possibleCpus: number, extra: Partial<MachineConfig> = {}): MachineConfig => ({
  possibleCpus,
  regionPages: 512,
  variant: 'rfc-v1',
  tlb: 'golden-cove',
  checker: true,
  ...extra,
});

/**
 * `mermap-lab sweep` of a spec named big (seed 1) with `lines` more, into DIR/out, one worker,
 * expected to be refused when planned: exit 2 with nothing on stdout.
 */
function plannedSweep(dir: string, lines: string[]) {
  const spec = join(dir, 'big.yaml');
  writeFileSync(spec, ['name: big', 'seed: 1', ...lines, ''].join('\n'));
  const out = join(dir, 'out');
  const r = cli(['sweep', spec, '-o', out, '-j', '1', '--no-report']);
  expect([r.status, r.stdout]).toEqual([2, '']);
  return { r, out, spec };
}

/** A trace of n processes with one allocation each, on CPU 0. */
function manyProcesses(n: number): string {
  const lines = ['# tracer: nop', '#'];
  for (let i = 0; i < n; i++) {
    const t = (1000 + i / 1e6).toFixed(6);
    lines.push(
      `            make-${1000 + i}    [000] .....  ${t}: mm_page_alloc: page=00000000d6b59a32 pfn=0x${(0x100000 + i).toString(16)} order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_UNMAPPED`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('a run’s simulator state', () => {
  it('per process and possible CPU: the arrays of struct mermap_cpu and the checker', () => {
    // rfc-v1, per possible CPU of an mm: flushes, invlpgs and next_addr (3 doubles, 24 bytes; the
    // region bases are one array for the whole machine); per slot in_use (1), base and end (2
    // doubles): 17; the checker's flush epoch (a Uint32, 4) and regionReady (1). The region's
    // size adds nothing until the mm maps there.
    for (const [regionPages, slots] of [
      [512, 1],
      [512, 4],
      [512, 8],
      [4096, 4],
    ]) {
      const s = stateSize(machine(4, { regionPages, allocatorOptions: { slots } }), 1);
      expect([regionPages, slots, s.perMmPossibleCpu]).toEqual([regionPages, slots, 24 + 17 * slots + 4 + 1]);
    }
    expect(WASTED_VA_BYTES_PER_REGION).toBe(8 * 8 + 1);
  });

  it('the estimate is what a machine of that size holds when made, and its meter what it makes since', () => {
    const cfg = machine(16, { onlineCpus: 2, regionPages: 1024, variant: 'rfc-later' });
    const s = stateSize(cfg, 3);
    const m = new Machine(cfg);
    for (let i = 0; i < 3; i++) m.createMm(true);
    const made = () => m.mmStateBytes(0) + m.mmStateBytes(1) + m.mmStateBytes(2);
    expect(made()).toBe(3 * (s.perMm - MM_HEAP_BYTES + 16 * s.perMmPossibleCpu));
    expect(m.stateMeter.bytes).toBe(0);
    expect(m.tlbStateBytes(0) + m.tlbStateBytes(1)).toBe(2 * s.perOnlineCpu);
    expect(s.bytes).toBe(3 * (s.perMm + 16 * s.perMmPossibleCpu + 2 * WASTED_VA_BYTES_PER_REGION) + 2 * s.perOnlineCpu);
    // a shadow TLB doubles what each online CPU's TLB holds
    expect(stateSize({ ...cfg, shadowTlb: true }, 3).perOnlineCpu).toBe(2 * s.perOnlineCpu);

    // mapping on a CPU makes that region's page tables, PTE index and stamps: the meter has them
    const before = made();
    for (const [mm, cpu] of [
      [0, 0],
      [1, 0],
      [1, 1],
    ]) {
      const task = m.createTask(mm, cpu);
      m.mermapPut(task, m.mermapGet(task, 1, 0x2000, PROT_KERNEL_NOGLOBAL, false));
    }
    // per (mm, CPU): 1024 stamps (8 KiB); per mm, once: the PTE index (4 bytes for each 512 pages
    // of 16 CPUs' regions, 128) and its first PUD and PMD tables (an mm starts with its PGD
    // alone: 4 KiB each) and PTE-table pool, grown from none to the region's 2 tables (8 KiB);
    // and mm 1's pool doubled again to 4 for its second CPU (8 KiB more)
    expect(m.stateMeter.bytes).toBe(made() - before);
    expect(made() - before).toBe(3 * 8192 + 2 * 128 + 2 * (4096 + 4096 + 8192) + 8192);

    // a touch of a user page (TLB pressure) demand-maps it in the mm's own tables, under another
    // PGD slot than the mermap's: mm 0 needs a second PUD and PMD table (each pool doubled from 1
    // to 2 tables, 4 KiB) and a third PTE table (its pool doubled from 2 to 4, 8 KiB)
    const user = m.createTask(0, 1);
    const grown = m.stateMeter.bytes;
    m.access(user, 0x400);
    expect(m.stateMeter.bytes - grown).toBe(4096 + 4096 + 8192);
  });

  it('stops a run whose state grows past MAX_STATE_BYTES as it maps', () => {
    const m = new Machine(machine(4, { regionPages: 65536 }));
    const mm = m.createMm(true);
    // 1.5 MiB left: a region of 65536 pages costs 512 KiB of PTE tables and 512 KiB of stamps
    // (the first, with the mm's first PUD and PMD tables, 4 KiB each, and a 2 KiB PTE index;
    // the second CPU's PTE tables double the pool, 512 KiB, past the bound)
    watchStateGrowth(m, MAX_STATE_BYTES - 1.5 * 2 ** 20);
    const map = (cpu: number) => {
      const task = m.createTask(mm, cpu);
      m.mermapPut(task, m.mermapGet(task, 1, 0x2000, PROT_KERNEL_NOGLOBAL, false));
    };
    map(0);
    expect(m.stateMeter.bytes).toBe(512 * 1024 + 512 * 1024 + 2 * 4096 + 2048);
    expect(() => map(1)).toThrow(
      new InputError(
        "mermap.regionPages: the run's simulator state passed 8 GiB after 0 events: 8.0 GiB when it started and " +
          '1.5 MiB made since, as its processes mapped pages (a process makes page tables and checker stamps for ' +
          "the whole region of each CPU it maps on, 65,536 pages, 1.0 MiB; TLB pressure's touches make page tables " +
          'for the pages they reach); lower mermap.regionPages, the processes, how often their tasks migrate, or ' +
          'workload.tlbPressure.userPagesPerMm and globalPages, or raise MERMAP_LAB_MAX_STATE_GIB on a larger machine',
        { field: 'mermap.regionPages' },
      ),
    );
  });

  it('refuses, as bad input, the first process count past MAX_STATE_BYTES', () => {
    const cfg = machine(1024);
    const one = stateSize(cfg, 1);
    const perProcess = one.perMm + 1024 * (one.perMmPossibleCpu + one.perMmOnlineCpu);
    const most = Math.floor((MAX_STATE_BYTES - 1024 * one.perOnlineCpu) / perProcess);
    expect(stateSize(cfg, most).bytes).toBeLessThanOrEqual(MAX_STATE_BYTES);
    expect(() => checkStateSize(cfg, most, 'x')).not.toThrow();
    const over = () => checkStateSize(cfg, most + 1, `${most + 1} processes`);
    expect(over).toThrow(InputError);
    expect(over).toThrow(
      new RegExp(
        `^machine\\.possibleCpus: the run would hold about 8\\.0 GiB of simulator state, more than the 8 GiB a run ` +
          `may \\(MERMAP_LAB_MAX_STATE_GIB raises it on a larger machine\\): ${most + 1} processes on 1,024 possible ` +
          'CPUs, 1,024 of them online, at ',
      ),
    );
    // where the machine or its container allows 4.5 GiB, the default bound is 4 GiB
    expect(() => checkStateSize(cfg, most, `${most} processes`, 4.5 * 2 ** 30)).toThrow(
      new RegExp(
        '^machine\\.possibleCpus: the run would hold about 8\\.0 GiB of simulator state, more than the 4 GiB a run ' +
          `may \\(the memory this machine or its container allows\\): ${most} processes on 1,024 possible CPUs`,
      ),
    );
  });

  it('MERMAP_LAB_MAX_STATE_GIB sets the bound in whole GiB, from 1 to the machine memory', () => {
    const env = (v: string) => ({ MERMAP_LAB_MAX_STATE_GIB: v });
    const mem = 24 * 2 ** 30;
    expect(maxStateBytes({}, mem)).toBe(MAX_STATE_BYTES);
    expect(maxStateBytes(env(' '), mem)).toBe(MAX_STATE_BYTES);
    expect(maxStateBytes(env('1'), mem)).toBe(2 ** 30);
    expect(maxStateBytes(env(' 24 '), mem)).toBe(24 * 2 ** 30);
    for (const bad of ['0', '25', '1.5', '-3', '0x10', '1e1', 'lots', '9999999']) {
      expect(() => maxStateBytes(env(bad), mem)).toThrow(
        new InputError(
          `MERMAP_LAB_MAX_STATE_GIB=${bad}: must be a whole number of GiB from 1 to 24 (the memory this machine or its container allows)`,
          { field: 'MERMAP_LAB_MAX_STATE_GIB' },
        ),
      );
    }
  });

  it("the memory a run may use is the machine's, or its container's limit when lower", () => {
    const gib = 2 ** 30;
    expect(usableMemoryBytes(24 * gib, undefined)).toBe(24 * gib);
    expect(usableMemoryBytes(24 * gib, 0)).toBe(24 * gib); // no limit (some cgroup setups)
    expect(usableMemoryBytes(24 * gib, 2 ** 64)).toBe(24 * gib); // no limit (cgroup v1's max)
    expect(usableMemoryBytes(24 * gib, 6 * gib)).toBe(6 * gib);
    expect(usableMemoryBytes(24 * gib, 24 * gib + 1)).toBe(24 * gib);
    // where less than the default 8 GiB is usable, the bound is what is, in whole GiB (at least 1)
    expect(maxStateBytes({}, usableMemoryBytes(24 * gib, 6.5 * gib))).toBe(6 * gib);
    expect(maxStateBytes({}, 8 * gib)).toBe(8 * gib);
    expect(maxStateBytes({}, 0.5 * gib)).toBe(gib);
    // so under a 6 GiB container the variable may raise the bound to 6 GiB only
    expect(maxStateBytes({ MERMAP_LAB_MAX_STATE_GIB: '6' }, usableMemoryBytes(24 * gib, 6.5 * gib))).toBe(6 * gib);
    expect(() => maxStateBytes({ MERMAP_LAB_MAX_STATE_GIB: '7' }, usableMemoryBytes(24 * gib, 6.5 * gib))).toThrow(
      'from 1 to 6 (the memory',
    );
  });

  it('mermap-lab run under a lower bound: refused naming it; a bad value: exit 2 in one line', () => {
    const dir = scratchDir('mermap-state-');
    const cfg = join(dir, 'mid.yaml');
    // 2,048 CPUs with 2 processes each: about 1.5 GiB, under the default bound, over 1 GiB
    writeFileSync(cfg, 'machine: { possibleCpus: 2048 }\nworkload: { kind: unmapped-alloc }\nlength: { events: 1 }\n');
    const low = cli(['run', cfg], { env: { MERMAP_LAB_MAX_STATE_GIB: '1' } });
    expect([low.status, low.stdout]).toEqual([2, '']);
    expect(low.stderr).toMatch(
      /^mermap-lab: machine\.possibleCpus: the run would hold about 1\.\d GiB of simulator state, more than the 1 GiB a run may \(MERMAP_LAB_MAX_STATE_GIB\): 4,096 processes /,
    );
    expect(low.stderr.split('\n')).toHaveLength(2);
    const bad = cli(['run', cfg], { env: { MERMAP_LAB_MAX_STATE_GIB: 'eight' } });
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(
      /^mermap-lab: MERMAP_LAB_MAX_STATE_GIB=eight: must be a whole number of GiB from 1 to \d+ \(the memory this machine or its container allows\)\n$/,
    );
    // a sweep says it once, before planning its points
    const sweep = cli(['sweep', '--preset', 'smoke', '-o', join(dir, 'out'), '--no-report'], {
      env: { MERMAP_LAB_MAX_STATE_GIB: '0' },
    });
    expect([sweep.status, sweep.stdout]).toEqual([2, '']);
    expect(sweep.stderr).toMatch(
      /^mermap-lab: MERMAP_LAB_MAX_STATE_GIB=0: must be a whole number of GiB from 1 to \d+ \(the memory this machine or its container allows\)\n$/,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('mermap-lab run: 8,192 online CPUs with 2 processes each exit 2 in one line, writing nothing', () => {
    const dir = scratchDir('mermap-state-');
    const cfg = join(dir, 'big.yaml');
    writeFileSync(cfg, 'machine: { possibleCpus: 8192 }\nworkload: { kind: unmapped-alloc }\n');
    const out = join(dir, 'out');
    const r = cli(['run', cfg, '--out', out]);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(
      /^mermap-lab: machine\.possibleCpus: the run would hold about 22\.\d GiB of simulator state, more than the 8 GiB a run may \(MERMAP_LAB_MAX_STATE_GIB raises it on a larger machine\): 16,384 processes \(machine\.onlineCpus x workload\.mmsPerCpu\) on 8,192 possible CPUs, 8,192 of them online, at [0-9.]+ KiB a process, 97 bytes a process per possible CPU and 65 per online CPU, and [0-9.]+ KiB per online CPU's TLB; lower the CPU counts, the processes, or the region and slot sizes\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('mermap-lab run --trace: a trace of 5,000 processes on 8,192 CPUs names the trace', () => {
    const dir = scratchDir('mermap-state-');
    const trace = join(dir, 'many.trace');
    writeFileSync(trace, manyProcesses(5000));
    const r = cli(['run', '--trace', trace, '--cpus', '8192']);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(
      new RegExp(
        `^mermap-lab: machine\\.possibleCpus: the run would hold about [0-9.]+ GiB of simulator state, more than the 8 GiB a run may \\(MERMAP_LAB_MAX_STATE_GIB raises it on a larger machine\\): 5,000 processes of ${trace.replaceAll('.', '\\.')} on 8,192 possible CPUs, 8,192 of them online, at .*\n$`,
      ),
    );
  });

  it('mermap-lab sweep: a trace point too large is refused when the sweep is planned', () => {
    const dir = scratchDir('mermap-state-');
    const trace = join(dir, 'many.trace');
    writeFileSync(trace, manyProcesses(5000));
    const { r, out } = plannedSweep(dir, [
      'replicates: 2',
      `base: { workload: { kind: ftrace, path: ${JSON.stringify(trace)} } }`,
      'grid: { machine.possibleCpus: [4, 8192], mermap.regionPages: [64, 128] }',
    ]);
    const lines = r.stderr.trimEnd().split('\n');
    // the 4 points of 8,192 CPUs (2 region sizes x 2 replicates), each named with its trace
    expect(lines).toHaveLength(1 + 4);
    for (const l of lines.slice(1)) {
      expect(l).toMatch(
        new RegExp(
          `^  - point \\d+ \\(machine\\.possibleCpus=8192, mermap\\.regionPages=(64|128), replicate [01]\\): machine\\.possibleCpus: the run would hold about [0-9.]+ GiB of simulator state, more than the 8 GiB a run may \\(MERMAP_LAB_MAX_STATE_GIB raises it on a larger machine\\): 5,000 processes of ${trace.replaceAll('.', '\\.')} on 8,192 possible CPUs`,
        ),
      );
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a sweep point: a twin of more possible CPUs is sized before its machine is made', async () => {
    const point = (possibleCpus: number) => ({
      seed: 1,
      machine: { possibleCpus, onlineCpusCap: 12 },
      workload: { kind: 'unmapped-alloc', mmsPerCpu: 1024, threadsPerMm: 1 },
      length: { events: 2000 },
    });
    // 12,288 processes on 16 possible CPUs run; on 8,192 they would hold 9.3 GiB
    await expect(runPoint(point(16), [point(8192)])).rejects.toThrow(
      /^machine\.possibleCpus: the run would hold about 9\.\d GiB of simulator state, more than the 8 GiB a run may \(MERMAP_LAB_MAX_STATE_GIB raises it on a larger machine\): 12,288 processes \(machine\.onlineCpus x workload\.mmsPerCpu\) on 8,192 possible CPUs, 12 of them online, at /,
    );
  });

  it('mermap-lab sweep: a point too large is refused when the sweep is planned, before anything runs', () => {
    const dir = scratchDir('mermap-state-');
    const { r, out, spec } = plannedSweep(dir, [
      'replicates: 1',
      'base: { machine: { possibleCpus: 8192 }, workload: { kind: unmapped-alloc }, length: { events: 1000 } }',
      'grid: { machine.onlineCpus: [4, 8192] }',
    ]);
    expect(r.stderr).toMatch(
      new RegExp(
        `^mermap-lab: sweep: ${spec.replaceAll('.', '\\.')}: invalid sweep spec\n  - point 1 \\(machine\\.onlineCpus=8192, replicate 0\\): machine\\.possibleCpus: the run would hold about 22\\.\\d GiB of simulator state, more than the 8 GiB a run may \\(MERMAP_LAB_MAX_STATE_GIB raises it on a larger machine\\): 16,384 processes`,
      ),
    );
    expect(r.stderr.split('\n')).toHaveLength(3); // the first point is fine: one issue, one line
    expect(existsSync(out)).toBe(false);
  });
});
