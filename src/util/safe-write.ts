/**
 * Writing files inside an output folder that mermap-lab owns, without ever writing through a
 * link someone planted there.
 *
 * - A file is written to a temporary file beside it, created exclusively (O_CREAT | O_EXCL, so an
 *   existing file or link of that name makes the open fail instead of being followed) under an
 *   unpredictable name (16 random hex digits), then renamed over the target. rename() replaces a
 *   link at the target with the file; it never writes into the link's target.
 * - A symbolic link, a folder or anything but a regular file at a path we write is refused, with
 *   the path named (UnsafeFileError, exit status 2).
 * - A file we append to (the sweep journal) is opened with O_NOFOLLOW as well as checked first.
 *
 * Temporary names are `.NAME.<16 hex>.tmp`; isStaleTemp() also knows the names older versions
 * used, so a folder's leftovers from a killed process are removed under the folder lock.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from './input-error.js';

/** A path we would write is a link or not a regular file: refused, nothing written. */
export class UnsafeFileError extends InputError {
  readonly code = 'EUNSAFE';
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

const CREATE_EXCL = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW;

/** `.NAME.<16 hex>.tmp` (now), `.NAME.<pid>.tmp` and `.NAME.<pid>.<12 hex>.tmp` (before). */
const TEMP_NAME = /^\..+?\.(?:[0-9a-f]{16}|\d+|\d+\.[0-9a-f]{12})\.tmp$/;

export function isStaleTemp(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Refuse `file` unless it is missing or a regular file (a link to a regular file is refused too:
 * we never write through links).
 */
export function assertWritableTarget(file: string): void {
  let kind: string | null;
  try {
    const st = lstatSync(file);
    kind = st.isSymbolicLink() ? 'a symbolic link' : st.isFile() ? null : st.isDirectory() ? 'a folder' : 'not a file';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (kind !== null) {
    throw new UnsafeFileError(`${file} is ${kind}; mermap-lab writes only regular files it owns (remove it first)`);
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a folder; the rename is still atomic.
  }
}

/**
 * Write `data` to `file` so that a reader sees the old bytes or the new ones, never a mix, and
 * never through a link. `fsync` makes the data (and the rename) durable before returning.
 */
export function writeFileSafe(file: string, data: string | Uint8Array, options: { fsync?: boolean } = {}): void {
  assertWritableTarget(file);
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temp, CREATE_EXCL, 0o666);
  try {
    try {
      writeAll(fd, data);
      if (options.fsync === true) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    assertWritableTarget(file); // a link planted while we wrote: still refused, never followed
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  if (options.fsync === true) syncDir(dir);
}

/** Open `file` for appending (created if missing), refusing a link or a non-file there. */
export function openAppendSafe(file: string): number {
  assertWritableTarget(file);
  try {
    return openSync(file, APPEND, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') assertWritableTarget(file);
    throw err;
  }
}

/** Remove the temporary files a killed writer left in `dir` (call it holding the folder lock). */
export function removeStaleTemps(dir: string): void {
  for (const name of readdirSync(dir)) if (isStaleTemp(name)) unlinkSync(join(dir, name));
}
