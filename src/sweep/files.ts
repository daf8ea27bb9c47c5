/** The files of a sweep output folder (store.ts describes them) and the errors about them. */
import { SweepError } from './errors.js';
import { errnoText } from '../util/errno-text.js';
import { UnsafeFileError } from '../util/safe-write.js';

export const SWEEP_FILE = 'sweep.json';
export const JOURNAL_FILE = 'results.jsonl';
export const CSV_FILE = 'results.csv';
export const ARROW_FILE = 'results.arrow';

export const describeShard = (shard: string | null) => (shard === null ? 'the whole sweep' : `shard ${shard}`);

export function unwritable(dir: string, err: unknown): SweepError {
  if (err instanceof UnsafeFileError) return new SweepError(err.message);
  return new SweepError(`cannot write to ${dir} (${errnoText(err)})`);
}
