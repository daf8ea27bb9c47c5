import { describe, expect, it } from 'vitest';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COST_PARAM_NAMES, COST_PRESET_SPECS, costPresetNames } from '../../src/analysis/costs/index.js';
import {
  ConfigError,
  DEFAULT_ORDER_WEIGHTS,
  defineRunConfig,
  InputError,
  loadRunConfig,
  locateJsonError,
  parseConfigText,
  parseRunConfig,
} from '../../src/config/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, '..', 'fixtures', 'configs', name);

function issuesOf(input: unknown): string[] {
  try {
    parseRunConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseRunConfig defaults', () => {
  it('fills every default from an empty object', () => {
    expect(parseRunConfig({})).toEqual({
      machine: {
        possibleCpus: 4,
        onlineCpus: 4,
        pagingLevels: 4,
        tlb: 'golden-cove',
        directMapPageSize: '1g',
        shadowTlb: true,
      },
      mermap: {
        variant: 'rfc-v1',
        regionPages: 512,
        slots: 4,
        kmapSlots: 16,
        vmapLazyPages: 3 * 8192,
        flushCeilingPages: 33,
      },
      workload: {
        kind: 'unmapped-alloc',
        ratePerCpuHz: 20000,
        arrival: 'poisson',
        burstOnUs: 1000,
        burstOffUs: 4000,
        orders: [...DEFAULT_ORDER_WEIGHTS],
        zeroCyclesPerPage: 897,
        cpuGhz: 3,
        initMode: 'init_on_alloc',
        pageblockQuirk: true,
        mmsPerCpu: 2,
        threadsPerMm: 4,
        timeSliceUs: 750,
        preemptProbability: 0.5,
        migrateProbability: 0.01,
        holdAfterZeroUs: 1000,
      },
      faults: { pteWriteFailProbability: 0, slowPathGlobalProt: false },
      seed: 1,
      length: { events: 1_000_000 },
    });
  });

  it('slots default per variant: 3 normal for rfc-later, 4 shared otherwise; an explicit value wins', () => {
    expect(parseRunConfig({ mermap: { variant: 'rfc-later' } }).mermap.slots).toBe(3);
    expect(parseRunConfig({ mermap: { variant: 'dev-snapshot' } }).mermap.slots).toBe(4);
    expect(parseRunConfig({ mermap: { variant: 'rfc-later', slots: 7 } }).mermap.slots).toBe(7);
  });

  it('vmapLazyPages defaults to lazy_max_pages = fls(online) * 8192', () => {
    expect(parseRunConfig({ machine: { possibleCpus: 1 } }).mermap.vmapLazyPages).toBe(8192);
    expect(parseRunConfig({ machine: { possibleCpus: 256, onlineCpus: 64 } }).mermap.vmapLazyPages).toBe(7 * 8192);
  });

  it('the order table default sums to 1 with most mass at order 0 and a tail to 10', () => {
    expect(DEFAULT_ORDER_WEIGHTS).toHaveLength(11);
    expect(DEFAULT_ORDER_WEIGHTS.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(DEFAULT_ORDER_WEIGHTS[0]).toBeGreaterThan(0.8);
    expect(DEFAULT_ORDER_WEIGHTS[10]).toBeGreaterThan(0);
  });

  it('workload kinds fill their own defaults', () => {
    expect(parseRunConfig({ workload: { kind: 'microbench' } }).workload).toEqual({
      kind: 'microbench',
      mode: 'tight',
      window: 3,
      sizes: { dist: 'fixed', pages: 1 },
      opNs: 50,
      reservedFraction: 0,
    });
    expect(parseRunConfig({ workload: { kind: 'guest-memfd-populate' } }).workload).toEqual({
      kind: 'guest-memfd-populate',
      guestGiB: 1,
      vcpus: 4,
      order: 9,
      zeroCyclesPerPage: 897,
      cpuGhz: 3,
      faultGapUs: 1,
    });
    expect(parseRunConfig({ workload: { kind: 'ftrace', path: 't.trace' } }).workload).toEqual({
      kind: 'ftrace',
      path: 't.trace',
      format: 'auto',
      gfpFilter: '__GFP_UNMAPPED',
      lenient: false,
      initMode: 'init_on_alloc',
      zeroCyclesPerPage: 897,
      cpuGhz: 3,
    });
    expect(parseRunConfig({ workload: { kind: 'unmapped-alloc', tlbPressure: {} } }).workload).toMatchObject({
      tlbPressure: { userPagesPerMm: 256, globalPages: 1024, touchesPerOp: 4, globalFraction: 0.25 },
    });
  });

  it('is buildable in code with a typed input and does not alter it', () => {
    const input = { machine: { possibleCpus: 2 }, seed: 'abc' } as const;
    const c = defineRunConfig(input);
    expect(c.machine.onlineCpus).toBe(2);
    expect(c.seed).toBe('abc');
    expect(input).toEqual({ machine: { possibleCpus: 2 }, seed: 'abc' });
  });
});

describe('parseRunConfig errors: every field named with its value and what is allowed', () => {
  it('reports many problems at once, in a fixed order', () => {
    expect(
      issuesOf({
        machine: { possibleCpus: 4, onlineCpus: 8, cpus: 3 },
        mermap: { regionPages: 1, variant: 'rfc-v9' },
        workload: { kind: 'unmapped-alloc', ratePerCpuHz: -1, orders: [1, 2], preemptProbability: 1.5 },
        seed: -3,
        length: {},
      }),
    ).toEqual([
      'machine.cpus: unknown field: allowed fields are possibleCpus, onlineCpus, onlineCpusCap, pagingLevels, tlb, directMapPageSize, preemptRt, shadowTlb',
      'mermap.variant: "rfc-v9" is not allowed: must be one of "rfc-v1", "rfc-later", "dev-snapshot", "flush-on-put", "kmap-local", "vmap-block", "mermap-reuse", "mermap-invpcid"',
      'mermap.regionPages: 1 is not allowed: must be a whole number of pages >= 2',
      'workload.ratePerCpuHz: -1 is not allowed: must be a rate in Hz >= 0',
      'workload.orders: [1,2] is not allowed: must be 11 weights, one per order 0..10',
      'workload.preemptProbability: 1.5 is not allowed: must be a probability in [0, 1]',
      'seed: -3 is not allowed: must be a whole number >= 0 or a non-empty string',
      'machine.onlineCpus: 8 is not allowed: must be <= machine.possibleCpus (4)',
      'length: {} is not allowed: must give events, seconds or both',
    ]);
  });

  it('the ConfigError message lists the source and every issue', () => {
    expect(() => parseRunConfig({ mermap: { regionPages: 0 } }, 'run.yaml')).toThrow(
      new ConfigError('run.yaml', ['mermap.regionPages: 0 is not allowed: must be a whole number of pages >= 2']),
    );
    try {
      parseRunConfig({ machine: { possibleCpus: 0 }, mermap: { regionPages: 2.5 } }, 'run.yaml');
    } catch (e) {
      expect((e as Error).message).toBe(
        'run.yaml: invalid config:\n' +
          '  machine.possibleCpus: 0 is not allowed: must be a whole number of CPUs in 1..8192\n' +
          '  mermap.regionPages: 2.5 is not allowed: must be a whole number of pages >= 2',
      );
      expect((e as ConfigError).exitCode).toBe(2);
    }
  });

  it('vmap-block blocks fit in the region; onlineCpusCap caps the default online count', () => {
    expect(issuesOf({ mermap: { variant: 'vmap-block', regionPages: 64, vmapBlockPages: 128 } })).toEqual([
      'mermap.vmapBlockPages: 128 is not allowed: a block must fit in the region (at most mermap.regionPages = 64)',
    ]);
    expect(parseRunConfig({ mermap: { variant: 'vmap-block' } }).mermap.vmapBlockPages).toBeUndefined();
    expect(parseRunConfig({ machine: { possibleCpus: 256, onlineCpusCap: 4 } }).machine.onlineCpus).toBe(4);
    expect(parseRunConfig({ machine: { possibleCpus: 2, onlineCpusCap: 4 } }).machine.onlineCpus).toBe(2);
  });

  it('CPU counts: 1..8192, online <= possible', () => {
    expect(issuesOf({ machine: { possibleCpus: 8193 } })).toEqual([
      'machine.possibleCpus: 8193 is not allowed: must be a whole number of CPUs in 1..8192',
    ]);
    expect(issuesOf({ machine: { onlineCpus: 5 } })).toEqual([
      'machine.onlineCpus: 5 is not allowed: must be <= machine.possibleCpus (4)',
    ]);
    expect(issuesOf({ machine: { possibleCpus: '4' } })).toEqual([
      'machine.possibleCpus: "4" is not allowed: must be a whole number of CPUs in 1..8192',
    ]);
    expect(parseRunConfig({ machine: { possibleCpus: 8192, onlineCpus: 1 } }).machine.onlineCpus).toBe(1);
  });

  it('the mermap must fit in the mm-local PGD slot', () => {
    expect(issuesOf({ machine: { possibleCpus: 8192 }, mermap: { regionPages: 20000 } })).toEqual([
      'mermap.regionPages: 20000 is not allowed: 8192 CPUs x 20000 pages do not fit in the mm-local PGD slot with 4-level paging (at most 16383 pages per CPU)',
    ]);
    expect(
      parseRunConfig({ machine: { possibleCpus: 8192, pagingLevels: 5 }, mermap: { regionPages: 20000 } }).mermap
        .regionPages,
    ).toBe(20000);
  });

  it('enums, missing fields, unknown kinds, wrong types', () => {
    expect(issuesOf({ machine: { pagingLevels: 3, tlb: 'skylake', directMapPageSize: '4m' } })).toEqual([
      'machine.pagingLevels: 3 is not allowed: must be 4 or 5',
      'machine.tlb: "skylake" is not allowed: must be one of "golden-cove", "haswell", "zen2", "tiny"',
      'machine.directMapPageSize: "4m" is not allowed: must be one of "4k", "2m", "1g"',
    ]);
    expect(issuesOf({ workload: { kind: 'ops' } })).toEqual([
      'workload.path: is missing: must be a non-empty file path',
    ]);
    expect(issuesOf({ workload: { kind: 'fio' } })).toEqual([
      'workload.kind: "fio" is not allowed: must be one of "unmapped-alloc", "guest-memfd-populate", "microbench", "ops", "ftrace"',
    ]);
    expect(issuesOf({ workload: 7 })).toEqual(['workload: 7 is not allowed: must be an object with a kind']);
    expect(issuesOf({ workload: {} })).toEqual([
      'workload.kind: is missing: must be one of "unmapped-alloc", "guest-memfd-populate", "microbench", "ops", "ftrace"',
    ]);
    expect(issuesOf(null)).toEqual(['(config): null is not allowed: must be an object']);
    expect(issuesOf({ machine: [] })).toEqual(['machine: [] is not allowed: must be an object']);
    expect(issuesOf({ bogus: 1 })).toEqual([
      'bogus: unknown field: allowed fields are name, machine, mermap, workload, faults, cost, seed, length',
    ]);
  });

  it('orders: 11 non-negative weights with a positive sum', () => {
    expect(issuesOf({ workload: { kind: 'unmapped-alloc', orders: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1] } })).toEqual([
      'workload.orders[10]: -1 is not allowed: must be a weight >= 0',
    ]);
    expect(issuesOf({ workload: { kind: 'unmapped-alloc', orders: new Array(11).fill(0) } })).toEqual([
      'workload.orders: [0,0,0,0,0,0,0,0,0,0,0] is not allowed: must have a positive sum',
    ]);
  });

  it('per-workload fields: probabilities, durations, sizes, filters, tlbPressure', () => {
    expect(
      issuesOf({
        workload: {
          kind: 'unmapped-alloc',
          arrival: 'uniform',
          migrateProbability: -0.1,
          timeSliceUs: 0,
          mmsPerCpu: 0,
          threadsPerMm: 1.5,
          tlbPressure: { globalFraction: 0.5, globalPages: 0, touchesPerOp: 1, extra: true },
        },
      }),
    ).toEqual([
      'workload.arrival: "uniform" is not allowed: must be one of "poisson", "bursty"',
      'workload.mmsPerCpu: 0 is not allowed: must be a whole number >= 1',
      'workload.threadsPerMm: 1.5 is not allowed: must be a whole number >= 1',
      'workload.timeSliceUs: 0 is not allowed: must be a duration in µs > 0',
      'workload.migrateProbability: -0.1 is not allowed: must be a probability in [0, 1]',
      'workload.tlbPressure.extra: unknown field: allowed fields are userPagesPerMm, globalPages, touchesPerOp, globalFraction',
      'workload.tlbPressure.globalPages: 0 is not allowed: must be >= 1 while globalFraction > 0',
    ]);
    expect(issuesOf({ workload: { kind: 'microbench', sizes: { dist: 'uniform', min: 8, max: 4 } } })).toEqual([
      'workload.sizes.max: 4 is not allowed: must be >= workload.sizes.min (8)',
    ]);
    expect(
      issuesOf({ workload: { kind: 'microbench', sizes: { dist: 'table', pages: [1, 2], weights: [1] } } }),
    ).toEqual([
      'workload.sizes.weights: [1] is not allowed: must have one weight per entry of workload.sizes.pages (2)',
    ]);
    expect(issuesOf({ workload: { kind: 'microbench', sizes: { dist: 'gauss' } } })).toEqual([
      'workload.sizes.dist: "gauss" is not allowed: must be one of "fixed", "uniform", "table"',
    ]);
    expect(issuesOf({ workload: { kind: 'ftrace', path: 'x', gfpFilter: 'GFP KERNEL', unmappedFraction: 3 } })).toEqual(
      [
        'workload.gfpFilter: "GFP KERNEL" is not allowed: must be "*", gfp flag names joined by "|", or a mask 0xHEX of at most 32 bits',
        'workload.unmappedFraction: 3 is not allowed: must be a probability in [0, 1]',
      ],
    );
    expect(issuesOf({ workload: { kind: 'guest-memfd-populate', guestGiB: 0, order: 11 } })).toEqual([
      'workload.guestGiB: 0 is not allowed: must be a size in GiB > 0',
      'workload.order: 11 is not allowed: must be an order in 0..10',
    ]);
  });

  it('faults, cost, length', () => {
    expect(
      issuesOf({
        faults: { pteWriteFailProbability: 1.01 },
        cost: { preset: '', overrides: { invlpgCycles: 'fast' } },
        length: { events: 0, seconds: -1 },
      }),
    ).toEqual([
      'faults.pteWriteFailProbability: 1.01 is not allowed: must be a probability in [0, 1]',
      'cost.preset: "" is not allowed: must be one of "low", "molnar-2015", "hansen-2014", "kernel-tlb-c", "high"',
      'cost.overrides.invlpgCycles: "fast" is not allowed: must be a finite number',
      'length.events: 0 is not allowed: must be a whole number of events >= 1',
      'length.seconds: -1 is not allowed: must be a number of seconds > 0',
    ]);
    expect(parseRunConfig({ cost: { preset: 'molnar-2015', overrides: { invlpgCycles: 250 } } }).cost).toEqual({
      preset: 'molnar-2015',
      overrides: { invlpgCycles: 250 },
    });
  });
});

describe('cost', () => {
  it('names an unknown preset with every allowed one (it used to crash run with a RangeError)', () => {
    expect(issuesOf({ cost: { preset: 'ingo-2015' } })).toEqual([
      'cost.preset: "ingo-2015" is not allowed: must be one of "low", "molnar-2015", "hansen-2014", "kernel-tlb-c", "high"',
    ]);
    expect(issuesOf({ cost: {} })).toEqual([
      'cost.preset: is missing: must be one of "low", "molnar-2015", "hansen-2014", "kernel-tlb-c", "high"',
    ]);
  });

  it('refuses an override that is not a cost parameter (it used to be ignored)', () => {
    expect(issuesOf({ cost: { preset: 'low', overrides: { invlpgCycle: 100, cpuGhz: 3, name: 1 } } })).toEqual([
      'cost.overrides.invlpgCycle: unknown field: allowed fields are invlpgCycles, flushAllCycles, cr3Cycles, invpcidCycles, walkCycles, walkNoPscCycles, walkPscHitFraction, shootdownBaseCycles, ipiCycles, cpuGhz, flushCeilingPages, pteWriteCycles, lockCycles, irqSaveRestoreCycles, zeroCyclesPerPage',
      'cost.overrides.name: unknown field: allowed fields are invlpgCycles, flushAllCycles, cr3Cycles, invpcidCycles, walkCycles, walkNoPscCycles, walkPscHitFraction, shootdownBaseCycles, ipiCycles, cpuGhz, flushCeilingPages, pteWriteCycles, lockCycles, irqSaveRestoreCycles, zeroCyclesPerPage',
    ]);
    expect(issuesOf({ cost: { preset: 'low', overrides: [1] } })).toEqual([
      'cost.overrides: [1] is not allowed: must be an object of numbers',
    ]);
  });

  it('keeps the overrides in the order written', () => {
    expect(
      Object.keys(
        parseRunConfig({ cost: { preset: 'high', overrides: { zeroCyclesPerPage: 900, cpuGhz: 2 } } }).cost!.overrides!,
      ),
    ).toEqual(['zeroCyclesPerPage', 'cpuGhz']);
  });

  it('the schema and the cost models name the same presets and parameters', () => {
    expect(costPresetNames()).toEqual(['low', 'molnar-2015', 'hansen-2014', 'kernel-tlb-c', 'high']);
    expect(COST_PRESET_SPECS.map((p) => p.name)).toEqual(costPresetNames());
    for (const p of COST_PRESET_SPECS) expect(Object.keys(p.params)).toEqual(COST_PARAM_NAMES);
  });
});

describe('config files', () => {
  it('loads YAML and fills the defaults', () => {
    const c = loadRunConfig(fixture('good.yaml'));
    expect(c.name).toBe('yaml-example');
    expect(c.machine).toEqual({
      possibleCpus: 8,
      onlineCpus: 6,
      pagingLevels: 5,
      tlb: 'golden-cove',
      directMapPageSize: '1g',
      shadowTlb: true,
    });
    expect(c.mermap.slots).toBe(3);
    expect(c.workload).toMatchObject({ kind: 'unmapped-alloc', ratePerCpuHz: 50000, initMode: 'init_on_free' });
    expect(c.workload.tlbPressure).toEqual({
      userPagesPerMm: 256,
      globalPages: 1024,
      touchesPerOp: 2,
      globalFraction: 0.25,
    });
    expect(c.seed).toBe('lab-42');
    expect(c.length).toEqual({ seconds: 0.5 });
  });

  it('loads JSON and resolves a workload path from the config file folder', () => {
    const c = loadRunConfig(fixture('good.json'));
    expect(c.workload).toEqual({ kind: 'ops', path: resolve(fixture('ops-basic.jsonl')), opSpacingNs: 1000 });
  });

  it('schema errors name the file', () => {
    expect(() => loadRunConfig(fixture('invalid.yaml'))).toThrow(ConfigError);
    try {
      loadRunConfig(fixture('invalid.yaml'));
    } catch (e) {
      const err = e as ConfigError;
      expect(err.source).toBe(fixture('invalid.yaml'));
      expect(err.issues).toEqual([
        'machine.cpus: unknown field: allowed fields are possibleCpus, onlineCpus, onlineCpusCap, pagingLevels, tlb, directMapPageSize, preemptRt, shadowTlb',
        'mermap.variant: "rfc-v2" is not allowed: must be one of "rfc-v1", "rfc-later", "dev-snapshot", "flush-on-put", "kmap-local", "vmap-block", "mermap-reuse", "mermap-invpcid"',
        'mermap.regionPages: 1.5 is not allowed: must be a whole number of pages >= 2',
        'workload.ratePerCpuHz: -5 is not allowed: must be a rate in Hz >= 0',
        'workload.orders: [1,0,0] is not allowed: must be 11 weights, one per order 0..10',
        'workload.preemptProbability: 2 is not allowed: must be a probability in [0, 1]',
        'machine.onlineCpus: 6 is not allowed: must be <= machine.possibleCpus (4)',
      ]);
    }
  });

  it('syntax errors name file:line:col', () => {
    const y = fixture('broken.yaml');
    expect(() => loadRunConfig(y)).toThrow(
      new ConfigError(y, [
        `${y}:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      ]),
    );
    const j = fixture('broken.json');
    expect(() => loadRunConfig(j)).toThrow(
      new ConfigError(j, [`${j}:3:39: invalid JSON: expected a double-quoted property name, found "}"`]),
    );
  });

  it('unreadable and unknown files', () => {
    const missing = fixture('missing.yaml');
    expect(() => loadRunConfig(missing)).toThrow(
      new ConfigError(missing, [`${missing}: cannot read the file (ENOENT)`]),
    );
    expect(() => loadRunConfig('run.toml')).toThrow(
      new ConfigError('run.toml', ['run.toml: unsupported config file type ".toml" (use .json, .yaml or .yml)']),
    );
  });

  it('locateJsonError finds the first syntax error, and nothing in valid JSON', () => {
    expect(locateJsonError('{"a": [1, 2,]}')).toEqual({ offset: 12, message: 'unexpected "]"' });
    expect(locateJsonError('{"a": tru}')).toEqual({ offset: 6, message: 'unexpected "t"' });
    expect(locateJsonError('{"a": 1} x')).toEqual({ offset: 9, message: 'unexpected "x" after the JSON value' });
    expect(locateJsonError('{"a": "\\q"}')).toEqual({ offset: 8, message: 'bad escape in string' });
    expect(locateJsonError('')).toEqual({ offset: 0, message: 'unexpected end of input' });
    expect(locateJsonError('{"a": [1, {"b": null, "c": -1.5e3}], "d": "\\u00e9"}')).toBeNull();
    expect(() => parseConfigText('{\n  "a": 1,\n  "b": }', 'x.json', 'json')).toThrow(
      new ConfigError('x.json', ['x.json:3:8: invalid JSON: unexpected "}"']),
    );
  });
});

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
      'mermap.regionPages: 300000 is not allowed: must be at most 262144 pages',
    ]);
    expect(issuesOf({ mermap: { slots: 5000, kmapSlots: 2000 } })).toEqual([
      'mermap.slots: 5000 is not allowed: must be at most 1024 slots',
      'mermap.kmapSlots: 2000 is not allowed: must be at most 1024 slots',
    ]);
    expect(issuesOf({ workload: { kind: 'unmapped-alloc', mmsPerCpu: 1_000_000, threadsPerMm: 100_000_000 } })).toEqual(
      [
        'workload.mmsPerCpu: 1000000 is not allowed: must be at most 1024 processes',
        'workload.threadsPerMm: 100000000 is not allowed: must be at most 1024 threads',
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
});
