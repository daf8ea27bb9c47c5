/**
 * parseRunConfig: validate a config object (from a file, a preset or code), fill in the defaults
 * and return the complete RunConfig, or throw a ConfigError listing every problem.
 */
import { MAX_CPUS, defaultSlots } from '../core/defaults.js';
import { defaultVmapLazyPages } from './defaults.js';
import { MAX_NESTING, tooDeepAt } from './depth.js';
import { ConfigError } from './errors.js';
import { issueLines } from './issues.js';
import { crossFieldIssues } from './rules.js';
import { RunConfigSchema, type RunConfigInput } from './schema.js';
import { withFields } from '../core/util/with-fields.js';
import type { RunConfig } from './types.js';

/**
 * Validate a config object (from a file, a preset or code), fill in the defaults and return the
 * complete RunConfig. Throws a ConfigError listing every problem.
 */
export function parseRunConfig(input: unknown, source = 'config'): RunConfig {
  const deep = tooDeepAt(input);
  if (deep !== null) throw new ConfigError(source, [`${source}: nests deeper than ${MAX_NESTING} levels`]);
  const result = RunConfigSchema.safeParse(input);
  const issues: string[] = [];
  if (!result.success) for (const issue of result.error.issues) issues.push(...issueLines(input, issue));
  if (input !== null && typeof input === 'object') issues.push(...crossFieldIssues(input));
  if (issues.length > 0 || !result.success) throw new ConfigError(source, issues);
  const c = result.data;
  const onlineCpus = c.machine.onlineCpus ?? Math.min(c.machine.possibleCpus, c.machine.onlineCpusCap ?? MAX_CPUS);
  // withFields(), not object spreads: configs then share their maps (src/core/util/with-fields.ts)
  const config: RunConfig = withFields(c, {
    machine: withFields(c.machine, { onlineCpus }),
    mermap: withFields(c.mermap, {
      slots: c.mermap.slots ?? defaultSlots(c.mermap.variant),
      vmapLazyPages: c.mermap.vmapLazyPages ?? defaultVmapLazyPages(onlineCpus),
    }),
  });
  if (config.name === undefined) delete config.name;
  if (config.cost === undefined) delete config.cost;
  return config;
}

/** Same as parseRunConfig, typed for configs written in code. */
export function defineRunConfig(input: RunConfigInput): RunConfig {
  return parseRunConfig(input, 'config');
}
