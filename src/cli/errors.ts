import { InputError } from '../util/input-error.js';

/** A user's mistake (bad input, config or arguments): printed as one line, exit status 2. */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
