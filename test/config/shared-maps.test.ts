import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withFields } from '../../src/core/util/with-fields.js';
import { ROOT } from '../helpers/cli.js';

describe('withFields', () => {
  it('is { ...a, ...b }: a key of both keeps its place and takes b’s value', () => {
    const out = withFields({ x: 1, y: 2, z: 3 }, { y: 20, w: 4 });
    expect(out).toEqual({ x: 1, y: 20, z: 3, w: 4 });
    expect(Object.keys(out)).toEqual(['x', 'y', 'z', 'w']);
  });
});

describe('parsed run configs', () => {
  it('share their maps in V8, run after run (no spread clones: src/core/util/with-fields.ts)', () => {
    // %HaveSameMap needs --allow-natives-syntax, so a child process parses 40 configs (V8's
    // inline caches warm after about 15, when spread copies started getting maps of their own)
    const parse = pathToFileURL(`${ROOT}src/config/parse.ts`).href;
    const script = `
      const { parseRunConfig } = await import(${JSON.stringify(parse)});
      const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
      const input = { machine: { possibleCpus: 16, onlineCpusCap: 16, shadowTlb: false }, mermap: { variant: 'rfc-v1', regionPages: 512 }, seed: 3899603112 };
      const cs = Array.from({ length: 40 }, () => parseRunConfig(structuredClone(input)));
      const differ = (f) => cs.filter((c) => !same(f(c), f(cs[0]))).length;
      console.log(JSON.stringify([differ((c) => c), differ((c) => c.machine), differ((c) => c.mermap)]));
    `;
    const r = spawnSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([0, 0, 0]);
  });
});
