import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';
import { makeDirs } from '../util/make-dirs.js';

/** Write a file so a reader never sees half of it: a temporary file beside it, then rename. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${Date.now()}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`${file}: cannot write: ${(e as Error).message}`);
  }
}

export function ensureDir(dir: string): void {
  try {
    makeDirs(dir);
  } catch (e) {
    throw new UsageError(`${dir}: cannot create the folder: ${(e as Error).message}`);
  }
}
