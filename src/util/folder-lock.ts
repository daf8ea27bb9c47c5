/**
 * One writer per output folder: DIR/.lock holds {pid, host, started, command} of the process
 * writing DIR.
 *
 * The lock file is written complete under a temporary name and then hard-linked to `.lock`:
 * link() fails with EEXIST when the lock is held, and a reader never sees a half-written lock.
 * A lock whose pid is not alive on this host is stale (its holder crashed or was killed) and is
 * taken over; a lock from another host cannot be checked, so the error says how to remove it.
 * The lock is released by release(), and on process exit, SIGINT or SIGTERM.
 */
import {
  linkSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from './input-error.js';
import { makeDirs } from './make-dirs.js';
import { removeStaleTemps, UnsafeFileError } from './safe-write.js';

export const LOCK_FILE = '.lock';

export interface LockInfo {
  pid: number;
  host: string;
  /** ISO 8601, UTC. */
  started: string;
  command: string;
}

/** The folder is locked by another live process (or one we cannot check): exit status 2. */
export class FolderLockedError extends InputError {
  readonly holder: LockInfo | null;
  constructor(message: string, holder: LockInfo | null) {
    super(message);
    this.name = 'FolderLockedError';
    this.holder = holder;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return Number.isSafeInteger(info?.pid) && typeof info.host === 'string' ? info : null;
  } catch {
    return null;
  }
}

const held = new Set<FolderLock>();
let hooked = false;

function releaseAll(): void {
  for (const lock of held) lock.release();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (the sweep stops cleanly and releases in its own time).
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  process.off(signal, onSignal);
  process.kill(process.pid, signal); // die of the signal as if we had never caught it
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export class FolderLock {
  readonly file: string;
  readonly info: LockInfo;
  #released = false;

  constructor(file: string, info: LockInfo) {
    this.file = file;
    this.info = info;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this);
    const now = readLock(this.file);
    if (now !== null && now.pid === this.info.pid && now.started === this.info.started)
      rmSync(this.file, { force: true });
  }
}

const describeHolder = (h: LockInfo) => `${h.command || 'mermap-lab'} (pid ${h.pid} on ${h.host}, since ${h.started})`;

/** Take DIR/.lock (DIR must exist). Throws FolderLockedError naming the holder. */
export function lockFolder(dir: string, command: string): FolderLock {
  const file = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  // Not a name isStaleTemp() matches: a lock holder clearing its folder must not remove the
  // half-made lock of a process about to be refused.
  const temp = join(dir, `.lock.${process.pid}.${randomBytes(8).toString('hex')}`);
  writeFileSync(temp, `${JSON.stringify(info)}\n`, { flag: 'wx' });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      }
      const holder = readLock(file);
      if (holder === null) {
        throw new FolderLockedError(
          `${dir} is locked by ${file}, which is not a mermap-lab lock; remove it if no mermap-lab is writing there`,
          null,
        );
      }
      if (holder.host !== info.host) {
        throw new FolderLockedError(
          `${dir} is in use by ${describeHolder(holder)}; if that process is gone, remove ${file}`,
          holder,
        );
      }
      if (holder.pid === process.pid || isAlive(holder.pid)) {
        throw new FolderLockedError(
          `${dir} is in use by ${describeHolder(holder)}; wait for it or choose another --out`,
          holder,
        );
      }
      unlinkSync(file); // stale: its holder died without releasing it
    }
  } finally {
    rmSync(temp, { force: true });
  }
  const lock = new FolderLock(file, info);
  held.add(lock);
  hookExit();
  return lock;
}

/** An output folder being written: created if missing, locked, cleared of stale temporary files. */
export interface OutputFolder {
  dir: string;
  lock: FolderLock;
  /** Release the lock; after a failure, remove the folders this call created if they are empty. */
  release(failed: boolean): void;
}

/**
 * Make `dir` ready to be written by `command`: refuse a file in its place, create it (and its
 * missing parents), lock it and remove leftover temporary files. The caller must release it.
 */
export function openOutputFolder(dir: string, command: string): OutputFolder {
  const abs = resolve(dir);
  let exists = true;
  try {
    if (!statSync(abs).isDirectory()) throw new UnsafeFileError(`cannot write to ${dir} (it is a file, not a folder)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    exists = false;
  }
  const created: string[] = [];
  if (!exists) {
    for (let d = abs; ; d = dirname(d)) {
      try {
        lstatSync(d);
        break;
      } catch {
        created.push(d);
      }
      if (dirname(d) === d) break;
    }
    makeDirs(abs);
  }
  let lock: FolderLock;
  try {
    lock = lockFolder(dir, command); // named as the user gave it
    removeStaleTemps(dir);
  } catch (err) {
    removeEmpty(created);
    throw err;
  }
  return {
    dir: abs,
    lock,
    release(failed: boolean) {
      lock.release();
      if (failed) removeEmpty(created);
    },
  };
}

function removeEmpty(created: string[]): void {
  for (const d of created) {
    try {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
