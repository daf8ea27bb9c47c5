/** The cost models now live in costs/; this path stays for the callers that import it. */
export * from './costs/index.js';
