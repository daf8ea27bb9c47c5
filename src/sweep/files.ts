/** The files of a sweep output folder (store.ts describes them) and the errors about them. */
import { SweepError } from './errors.js';
import { UnsafeFileError } from '../util/safe-write.js';

export const SWEEP_FILE = 'sweep.json';
export const JOURNAL_FILE = 'results.jsonl';
export const CSV_FILE = 'results.csv';
export const ARROW_FILE = 'results.arrow';

export const describeShard = (shard: string | null) => (shard === null ? 'the whole sweep' : `shard ${shard}`);

export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is not a folder',
    ENOSPC: 'no space left on the device',
    EEXIST: 'a file is in the way',
  };
  return code === undefined ? String(err) : `${code}${why[code] ? `: ${why[code]}` : ''}`;
}

export function unwritable(dir: string, err: unknown): SweepError {
  if (err instanceof UnsafeFileError) return new SweepError(err.message);
  return new SweepError(`cannot write to ${dir} (${errnoText(err)})`);
}
