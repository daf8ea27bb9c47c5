/** The message of the InputError (bad input, exit status 2) that `f` throws; fails if it throws none or another. */
import { expect } from 'vitest';
import { InputError } from '../../src/util/input-error.js';

export function inputErrorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}
