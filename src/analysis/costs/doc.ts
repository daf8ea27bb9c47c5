/**
 * docs/cost-models.md, generated from the presets so the page cannot drift from the numbers:
 * one table of every parameter under every preset, then each figure's provenance once.
 */
import { LIMITS, REAL_LIMITS } from '../../config/limits.js';
import { COST_PARAM_INFO, COST_PARAM_NAMES, type CostParam } from './params.js';
import { COST_PRESET_SPECS, DEFAULT_COST_MODEL } from './presets.js';

const KIND_MARK: Record<CostParam['kind'], string> = { measured: 'm', derived: 'd', assumed: 'a', unknown: '?' };

const range = (l: { min: number; max: number }) => `${l.min} to ${l.max.toLocaleString('en-US')}`;

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function costModelsMarkdown(): string {
  const names = COST_PRESET_SPECS.map((p) => p.name);
  const out: string[] = [
    '# Cost models',
    '',
    '<!-- generated from src/analysis/costs by costModelsMarkdown(); UPDATE_DOCS=1 npx vitest run test/analysis/costs/doc.test.ts -->',
    '',
    'Every cost is reported under five presets: `low` and `high` bound the plausible range of each',
    'parameter from the cited figures; the named presets sit between them. The default is',
    `\`${DEFAULT_COST_MODEL}\`. Each value is marked **m** measured (source, machine), **d** derived`,
    '(how), **a** assumed (a stand-in, and why) or **?** unknown (no figure exists; a stand-in that a',
    'report must flag). Any parameter can be overridden in a run config under `cost.overrides`;',
    'figures given in time were turned into cycles at 3 GHz, and overriding `cpuGhz` does not rescale them.',
    `An override stays within its unit: cycles ${range(REAL_LIMITS.costCycles)}, a fraction`,
    `${range(REAL_LIMITS.fraction)}, GHz ${range(REAL_LIMITS.cpuGhz)}, whole pages ${range(LIMITS.regionRangePages)}.`,
    '',
    `| parameter | unit | ${names.join(' | ')} |`,
    `|---|---|${names.map(() => '---:').join('|')}|`,
  ];
  for (const k of COST_PARAM_NAMES) {
    const vals = COST_PRESET_SPECS.map((p) => `${p.params[k].value} ${KIND_MARK[p.params[k].kind]}`);
    out.push(`| \`${k}\` | ${COST_PARAM_INFO[k].unit} | ${vals.join(' | ')} |`);
  }
  out.push('', '## What each parameter means', '');
  for (const k of COST_PARAM_NAMES) out.push(`* \`${k}\`: ${COST_PARAM_INFO[k].doc}.`);
  out.push('', '## Provenance of each figure', '');
  const seen = new Set<string>();
  for (const k of COST_PARAM_NAMES) {
    const lines: string[] = [];
    for (const p of COST_PRESET_SPECS) {
      const v = p.params[k];
      const key = `${k}|${v.value}|${v.kind}|${v.source}|${v.machine ?? v.how}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const users = COST_PRESET_SPECS.filter((q) => sameParam(q.params[k], v)).map((q) => q.name);
      const basis = v.kind === 'measured' ? `machine: ${v.machine}` : v.how;
      lines.push(`  * ${v.value} (${v.kind}; ${users.join(', ')}): ${cell(v.source)}; ${cell(basis ?? '')}.`);
    }
    out.push(`* \`${k}\``, ...lines);
  }
  return `${out.join('\n')}\n`;
}

function sameParam(a: CostParam, b: CostParam): boolean {
  return (
    a.value === b.value && a.kind === b.kind && a.source === b.source && a.machine === b.machine && a.how === b.how
  );
}
