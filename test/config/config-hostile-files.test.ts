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
