import { describe, expect, it } from 'vitest';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { ConfigError, loadRunConfig, locateJsonError, parseConfigText, readInputFile } from '../../src/config/index.js';
import { MAX_INPUT_FILE_BYTES } from '../../src/config/load.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, '..', 'fixtures', 'configs', name);

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
        'mermap.regionPages: 1.5 is not allowed: must be a whole number of pages in 2..262144',
        'workload.ratePerCpuHz: -5 is not allowed: must be a rate in Hz in [0, 100000000]',
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
      new ConfigError(missing, [`${missing}: cannot read the file (ENOENT: no such file or folder)`]),
    );
    const dir = scratchDir('mermap-config-size-');
    // a file one byte past 16 MiB, and an endless device behind a link, are refused unread
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_FILE_BYTES + 1);
    const tooBig = 'cannot read the file (larger than 16 MiB, the most a config or sweep spec may be)';
    expect(() => loadRunConfig(big)).toThrow(new ConfigError(big, [`${big}: ${tooBig}`]));
    const zero = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    expect(() => loadRunConfig(zero)).toThrow(new ConfigError(zero, [`${zero}: ${tooBig}`]));
    // exactly 16 MiB is read whole
    truncateSync(big, MAX_INPUT_FILE_BYTES);
    const read = readInputFile(big);
    expect(read.ok && read.text.length).toBe(MAX_INPUT_FILE_BYTES);
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
