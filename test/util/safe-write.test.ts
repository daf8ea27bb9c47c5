import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderLockedError, LOCK_FILE, lockFolder, openOutputFolder } from '../../src/util/folder-lock.js';
import { printable } from '../../src/util/printable.js';
import { isStaleTemp, openAppendSafe, UnsafeFileError, writeFileSafe } from '../../src/util/safe-write.js';

const root = mkdtempSync(join(tmpdir(), 'mermap-safe-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('writeFileSafe', () => {
  it('writes the bytes and leaves no temporary file', () => {
    const dir = fresh();
    writeFileSafe(join(dir, 'a.csv'), 'x,y\n1,2\n', { fsync: true });
    writeFileSafe(join(dir, 'a.csv'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(dir, 'a.csv'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['a.csv']);
  });

  it('refuses a symbolic link or a folder at the destination and leaves the link target alone', () => {
    const dir = fresh();
    const victim = join(root, `victim${n}`);
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'results.csv'));
    expect(() => writeFileSafe(join(dir, 'results.csv'), 'evil')).toThrow(
      new UnsafeFileError(
        `${join(dir, 'results.csv')} is a symbolic link; mermap-lab writes only regular files it owns (remove it first)`,
      ),
    );
    mkdirSync(join(dir, 'report.html'));
    expect(() => writeFileSafe(join(dir, 'report.html'), 'x')).toThrow(/report\.html is a folder; /);
    expect(() => openAppendSafe(join(dir, 'results.csv'))).toThrow(UnsafeFileError);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'results.csv']);
  });

  it('uses a new random temporary name each time, which isStaleTemp knows, as it knows the old names', () => {
    expect(isStaleTemp('.results.csv.0123456789abcdef.tmp')).toBe(true);
    expect(isStaleTemp('.results.csv.4242.tmp')).toBe(true); // store.ts before
    expect(isStaleTemp('.chart.svg.4242.0123456789ab.tmp')).toBe(true); // render/write.ts before
    expect(isStaleTemp('.keep.tmp')).toBe(false);
    expect(isStaleTemp('results.csv')).toBe(false);
    expect(isStaleTemp('.results.csv.XYZ.tmp')).toBe(false);
  });
});

describe('the folder lock', () => {
  it('holds DIR/.lock with pid, host and start time, names the holder to a second taker, and releases', () => {
    const dir = fresh();
    const lock = lockFolder(dir, 'mermap-lab sweep');
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(info).toEqual({
      pid: process.pid,
      host: hostname(),
      started: lock.info.started,
      command: 'mermap-lab sweep',
    });
    expect(() => lockFolder(dir, 'mermap-lab merge')).toThrow(
      new FolderLockedError(
        `${dir} is in use by mermap-lab sweep (pid ${process.pid} on ${hostname()}, since ${lock.info.started});` +
          ` wait for it or choose another --out`,
        lock.info,
      ),
    );
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    lockFolder(dir, 'again').release();
  });

  it('takes over a stale lock (dead pid on this host), refuses another host and a foreign file', () => {
    const dir = fresh();
    const file = join(dir, LOCK_FILE);
    const stale = {
      pid: deadPid(),
      host: hostname(),
      started: '2026-01-01T00:00:00.000Z',
      command: 'mermap-lab sweep',
    };
    writeFileSync(file, JSON.stringify(stale));
    const lock = lockFolder(dir, 'mermap-lab sweep');
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    writeFileSync(file, JSON.stringify({ ...stale, host: 'elsewhere' }));
    expect(() => lockFolder(dir, 'x')).toThrow(
      `${dir} is in use by mermap-lab sweep (pid ${stale.pid} on elsewhere, since 2026-01-01T00:00:00.000Z);` +
        ` if that process is gone, remove ${file}`,
    );
    writeFileSync(file, 'not json');
    expect(() => lockFolder(dir, 'x')).toThrow(`${dir} is locked by ${file}, which is not a mermap-lab lock;`);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('an output folder: created, cleared of temporary files left by a kill, removed again after a failure', () => {
    const dir = fresh();
    writeFileSync(join(dir, '.chart.svg.4242.0123456789ab.tmp'), ''); // a killed report's 0-byte chart
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const folder = openOutputFolder(dir, 'mermap-lab report');
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, 'keep.txt']);
    folder.release(true); // existed before: kept
    expect(readdirSync(dir)).toEqual(['keep.txt']);

    const made = join(root, `new${n++}`, 'deeper');
    openOutputFolder(made, 'mermap-lab run').release(true);
    expect(readdirSync(root)).not.toContain(`new${n - 1}`);
    const file = join(dir, 'keep.txt');
    expect(() => openOutputFolder(file, 'mermap-lab run')).toThrow(
      `cannot write to ${file} (it is a file, not a folder)`,
    );
  });
});

describe('printable', () => {
  it('shows control characters as \\xHH, keeping newlines unless oneLine', () => {
    expect(printable("sweep '\x1b]0;owned\x07x\x1b[2J'\nnext\r\x9b")).toBe(
      "sweep '\\x1b]0;owned\\x07x\\x1b[2J'\nnext\\x0d\\x9b",
    );
    expect(printable('a\nb\tc', { oneLine: true })).toBe('a\\x0ab\\x09c');
    expect(printable('plain ünïcode ✓')).toBe('plain ünïcode ✓');
  });
});
