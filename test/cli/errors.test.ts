import { describe, expect, it } from 'vitest';
import { reportInputError } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/errors.js';
import { ConfigError, InputError } from '../../src/config/errors.js';
import { SpecError, SweepError } from '../../src/sweep/errors.js';
import { FolderLockedError } from '../../src/util/folder-lock.js';
import { InputError as UtilInputError } from '../../src/util/input-error.js';
import { UnsafeFileError } from '../../src/util/safe-write.js';
import { TraceError, TraceSelectionError } from '../../src/workloads/trace/classify.js';
import { OpScriptError } from '../../src/workloads/trace/op-script.js';

/** What the CLI prints for `e` and the exit status it gives. */
function shown(e: unknown): { text: string; code: number | null } {
  let text = '';
  const code = reportInputError(e, (t) => {
    text += t;
  });
  return { text, code };
}

describe('one input-error class', () => {
  it('config re-exports the one base class from util', () => {
    expect(InputError).toBe(UtilInputError);
  });

  const cases: [string, Error, string][] = [
    ['InputError', new InputError('bad.yaml:3: nope', { file: 'bad.yaml', line: 3 }), 'mermap-lab: bad.yaml:3: nope\n'],
    [
      'ConfigError',
      new ConfigError('run.yaml', ['run.yaml:2:7: unexpected end of the mapping']),
      'mermap-lab: run.yaml:2:7: unexpected end of the mapping\n',
    ],
    [
      'SweepError',
      new SweepError("--workers: must be a positive integer, got '0'"),
      "mermap-lab: --workers: must be a positive integer, got '0'\n",
    ],
    ['UsageError', new UsageError('--cpus: must be 1..8192'), 'mermap-lab: --cpus: must be 1..8192\n'],
    ['TraceError', new TraceError('t.txt', 12, 'no such event'), 'mermap-lab: t.txt:12: no such event\n'],
    [
      'TraceSelectionError',
      new TraceSelectionError('t.txt: no task selected'),
      'mermap-lab: t.txt: no task selected\n',
    ],
    [
      'OpScriptError',
      new OpScriptError('ops.txt', 4, 'put of an unknown tag x'),
      'mermap-lab: ops.txt:4: put of an unknown tag x\n',
    ],
    [
      'UnsafeFileError',
      new UnsafeFileError(
        'out/report.html is a symbolic link; mermap-lab writes only regular files it owns (remove it first)',
      ),
      'mermap-lab: out/report.html is a symbolic link; mermap-lab writes only regular files it owns (remove it first)\n',
    ],
    [
      'FolderLockedError',
      new FolderLockedError('out is being written by pid 7 on host', null),
      'mermap-lab: out is being written by pid 7 on host\n',
    ],
  ];
  for (const [name, err, text] of cases) {
    it(`${name} reaches the user as one line, exit status 2`, () => {
      expect(err).toBeInstanceOf(InputError);
      expect(err.name).toBe(name);
      expect(shown(err)).toEqual({ text, code: 2 });
      expect(text.split('\n')).toHaveLength(2); // one line and its newline
    });
  }

  it('a spec with two issues shows each once, one line each, exit status 2', () => {
    const e = new SpecError('s.yaml', ['grid.cpus: must be >= 1', 'grid.cpus: must be >= 1', 'seed: must be >= 0']);
    expect(shown(e)).toEqual({
      text: 'mermap-lab: s.yaml: invalid sweep spec\n  - grid.cpus: must be >= 1\n  - seed: must be >= 0\n',
      code: 2,
    });
  });

  it('anything else is not bad input, whatever its exitCode says', () => {
    const bug = Object.assign(new Error('boom'), { exitCode: 2 });
    expect(shown(bug)).toEqual({ text: '', code: null });
    expect(shown(new RangeError('x'))).toEqual({ text: '', code: null });
  });
});
