import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../src/config/presets.js';
import { parseSweepSpec } from '../../src/sweep/spec.js';
import { SWEEP_PRESETS } from '../../src/sweep/presets.js';
import { cli } from '../helpers/cli.js';

describe('mermap-lab init --preset', () => {
  it('prints a sweep preset as a spec file that parses back to the preset', () => {
    const r = cli(['init', '--preset', 'smoke']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe("# sweep spec from preset 'smoke': mermap-lab sweep THIS_FILE --out DIR");
    expect(parse(r.stdout)).toEqual(SWEEP_PRESETS.smoke);
    expect(() => parseSweepSpec(parse(r.stdout), 'printed')).not.toThrow();
  });

  it('prints a run preset as its complete config', () => {
    const r = cli(['init', '--preset', 'run:kunit-tight']);
    expect(r.status, r.stderr).toBe(0);
    expect(parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(presetConfig('kunit-tight'))));
  });

  it('refuses an unknown or ambiguous name with the allowed values, exit 2', () => {
    const unknown = cli(['init', '--preset', 'nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      "mermap-lab: --preset: unknown preset 'nope' (allowed: sweep:default, sweep:smoke, run:default, run:kunit-tight, run:guest-boot, run:nested-slots)\n",
    );
    const both = cli(['init', '--preset', 'default']);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe(
      "mermap-lab: --preset: 'default' is both a sweep and a run preset: say sweep:default or run:default\n",
    );
  });
});
