/** Shared set-up for the config tests. */
import { ConfigError, parseRunConfig } from '../../src/config/index.js';

/** The issues parseRunConfig reports for `input`; throws if it parses. */
export function issuesOf(input: unknown): string[] {
  try {
    parseRunConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
