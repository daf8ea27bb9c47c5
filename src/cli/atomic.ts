import { errnoText } from '../util/errno-text.js';
import { UsageError } from './errors.js';
import { openOutputFolder, type OutputFolder } from '../util/folder-lock.js';
import { InputError } from '../util/input-error.js';
import { assertWritableTarget, writeFileSafe } from '../util/safe-write.js';

/** Write a file so a reader never sees half of it, never through a link (util/safe-write.ts). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  try {
    writeFileSafe(file, data);
  } catch (e) {
    if (e instanceof InputError) throw e; // a link or a folder in the way: already one line, exit 2
    throw new UsageError(`${file}: cannot write (${errnoText(e)})`);
  }
}

/** Refuse a link or a folder where `file` is to be written (UnsafeFileError, an InputError). */
export function writableTarget(file: string): void {
  try {
    assertWritableTarget(file);
  } catch (e) {
    if (e instanceof InputError) throw e; // a link or a folder in the way: already one line, exit 2
    throw new UsageError(`${file}: cannot write (${errnoText(e)})`);
  }
}

/**
 * Create (if needed) and lock an output folder for `command`, as an InputError when it cannot be
 * used: a file in its place, another process writing it, no permission. Release it when done.
 */
export function openOutDir(dir: string, command: string): OutputFolder {
  try {
    return openOutputFolder(dir, command);
  } catch (e) {
    if (e instanceof InputError) throw e; // locked, or a link in the way: already one line, exit 2
    throw new UsageError(`${dir}: cannot create the folder (${errnoText(e)})`);
  }
}

/** Run `f` holding `dir`'s lock; after a failure, a folder this call created is removed if empty. */
export async function withOutDir<T>(dir: string, command: string, f: () => Promise<T> | T): Promise<T> {
  const folder = openOutDir(dir, command);
  let failed = true;
  try {
    const result = await f();
    failed = false;
    return result;
  } finally {
    folder.release(failed);
  }
}
