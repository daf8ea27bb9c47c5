import { InputError, uniqueLines } from '../util/input-error.js';

export { InputError, type InputWhere, uniqueLines } from '../util/input-error.js';

/**
 * A run config that does not load or validate: every issue at once, one line each, naming the
 * dotted field, the value and what is allowed (or file:line:column for a syntax error).
 */
export class ConfigError extends InputError {
  readonly source: string;
  constructor(source: string, issues: string[]) {
    const unique = uniqueLines(issues);
    // One issue that names the file itself (a syntax error at file:line:col) is the whole message.
    const only = unique.length === 1 && unique[0]!.startsWith(source) ? unique[0]! : null;
    super(only ?? `${source}: invalid config:\n  ${unique.join('\n  ')}`, { file: source }, unique);
    this.name = 'ConfigError';
    this.source = source;
  }
}
