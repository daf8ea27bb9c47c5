/**
 * `mermap-lab init --preset NAME`: print a preset as a file to start from. A sweep preset
 * (sweep/presets.ts) prints as a sweep spec (run it with `mermap-lab sweep FILE`); a run preset
 * (config/presets.ts) prints as its complete run config, defaults filled in (run it with
 * `mermap-lab run FILE`). Both as YAML, with a comment saying which.
 */
import { stringify } from 'yaml';
import { listPresets, presetConfig } from '../config/presets.js';
import { presetNames, SWEEP_PRESETS } from '../sweep/presets.js';
import { UsageError } from './errors.js';

/** Every name `init --preset` accepts, sweep presets first. */
export function initPresetNames(): string[] {
  return [...presetNames().map((n) => `sweep:${n}`), ...listPresets().map((p) => `run:${p.name}`)];
}

/** The YAML text of preset `name` ('sweep:NAME', 'run:NAME', or a NAME only one kind has). */
export function presetFile(name: string): string {
  const [kind, bare] = name.includes(':') ? name.split(':', 2) : [undefined, name];
  const sweep = (kind === undefined || kind === 'sweep') && Object.hasOwn(SWEEP_PRESETS, bare!);
  const run = (kind === undefined || kind === 'run') && listPresets().some((p) => p.name === bare);
  if (sweep && run && kind === undefined) {
    throw new UsageError(`--preset: '${name}' is both a sweep and a run preset: say sweep:${name} or run:${name}`);
  }
  if (sweep) {
    return `# sweep spec from preset '${bare}': mermap-lab sweep THIS_FILE --out DIR\n${stringify(SWEEP_PRESETS[bare!])}`;
  }
  if (run) return `# run config from preset '${bare}': mermap-lab run THIS_FILE\n${stringify(presetConfig(bare!))}`;
  throw new UsageError(`--preset: unknown preset '${name}' (allowed: ${initPresetNames().join(', ')})`);
}

export function initCommand(o: { preset?: string }): number {
  if (o.preset === undefined)
    throw new UsageError(`--preset NAME is required (allowed: ${initPresetNames().join(', ')})`);
  process.stdout.write(presetFile(o.preset));
  return 0;
}
