import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isClosedPipe, toleratePipeClose } from '../../src/cli/closed-pipe.js';
import { ROOT } from '../helpers/cli.js';

const ENTRY = fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url));

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('output to a reader that went away', () => {
  it('knows a closed pipe from other write errors', () => {
    expect(isClosedPipe(errno('EPIPE'))).toBe(true);
    expect(isClosedPipe(errno('ERR_STREAM_DESTROYED'))).toBe(true);
    expect(isClosedPipe(errno('EIO'))).toBe(false);
    expect(isClosedPipe('EPIPE')).toBe(false);
  });

  it('drops a closed pipe and raises any other error', () => {
    const s = new PassThrough();
    toleratePipeClose(s);
    expect(() => s.emit('error', errno('EPIPE'))).not.toThrow();
    expect(() => s.emit('error', errno('EIO'))).toThrow('EIO');
  });

  it('ends `run --help | head -1` with the help line, status 0 and no stack trace', () => {
    // head exits after one line; the help's later writes meet the closed pipe (before the
    // fix: node's unhandled 'error' event and its stack trace on stderr, status 1)
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" --import tsx "${ENTRY}" run --help | head -1; echo "status=\${PIPESTATUS[0]}" >&2`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stdout).toBe('Usage: mermap-lab run [options] [config]\n');
    expect(r.stderr).toBe('status=0\n');
  });
});
