/**
 * src/config: the run config, one typed object per run (machine, mermap, workload, seed, length),
 * loadable from JSON or YAML and buildable in code, validated with zod.
 *
 *   schema.ts + workload-schema.ts   every field, its allowed values and its default (once)
 *   rules.ts                          rules that tie fields together
 *   issues.ts                         one line per problem: field, value, what is allowed
 *   parse.ts                          parseRunConfig: validate, fill in the defaults
 *   load.ts + json-scan.ts            JSON / YAML text with line:column (shared with sweep specs)
 *   run-file.ts                       loadRunConfig
 *   presets.ts                        embedded run presets
 *   limits.ts                         the bounds of every size (configs and CLI flags)
 *   errors.ts                         InputError (exit status 2) and ConfigError
 *
 * Kernel constants live in src/core/defaults.ts; this layer imports them and the allocator
 * registry, never src/workloads.
 */
export * from './types.js';
export * from './defaults.js';
export * from './errors.js';
export * from './limits.js';
export { MAX_NESTING } from './depth.js';
export { locateJsonError } from './json-scan.js';
export { formatOfPath, lineColAt, parseDataText, readInputFile, type DataFormat, type TextParse } from './load.js';
export { DEFAULT_POSSIBLE_CPUS, MERMAP_VARIANTS, TLB_PRESET_NAMES, type RunConfigInput } from './schema.js';
export { defineRunConfig, parseRunConfig } from './parse.js';
export { loadRunConfig, parseConfigText } from './run-file.js';
export { listPresets, presetConfig } from './presets.js';
