/**
 * summary.md and summary.txt: a sweep on one page for the mailing list. What was swept, the
 * recommendation with its intervals, the few numbers that matter, what the answer depends on,
 * and the command that reproduces it. summary.txt is plain text at most 80 columns wide.
 */
import { alignColumns, formatEstimate, pagesToText, pct, targetsLine } from './recommend-format.js';
import { sensitivityCounts, sensitivityTable, workloadEffects } from './recommend-sensitivity.js';
import { caseName, type RegionVerdict, type Targets, type WorkloadScenarios } from './recommend-verdict.js';

export const SUMMARY_WIDTH = 80;

export interface SweepSummaryInput {
  name: string;
  /** grid path -> its values, in the spec's order */
  grid: Record<string, unknown[]>;
  /** runs per grid point at least, and at most (adaptive), or the same */
  replicates: { min: number; max: number };
  runs: number;
  workload: string;
  costModel: string;
  targets: Targets;
  recs: readonly RegionVerdict[];
  /** what each workload scenario sets (recommendation.json's workloadScenarios), if any */
  workloadScenarios?: WorkloadScenarios | undefined;
  command: string;
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Words wrapped to `width` columns, continuation lines indented by `indent`. */
export function wrap(text: string, width = SUMMARY_WIDTH, indent = ''): string[] {
  const lines: string[] = [];
  const lead = /^\s*/.exec(text)![0];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const next = line === '' ? `${lead}${word}` : `${line} ${word}`;
    if (next.length > width && line !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `moves it in 2 of 5 cases` or `does not move it`. */
function moves(changed: number, cases: number): string {
  return changed === 0 ? 'does not move it' : `moves it in ${changed} of ${cases} cases`;
}

/**
 * The sentences saying what the answer depends on (also the report's first paragraph): the cost
 * model and the zeroing work (recomputed from the runs), then each workload assumption (runs of
 * their own), each with whether it moves the recommended region, then the verdicts.
 */
export function dependsText(recs: readonly RegionVerdict[], defs?: WorkloadScenarios): string {
  const { costModel, zeroing } = sensitivityCounts(recs);
  const counts = (['meets', 'within-noise', 'none'] as const).map(
    (v) => `${recs.filter((r) => r.verdict === v).length} ${v}`,
  );
  const parts = [
    `the cost model preset ${moves(costModel, recs.length)}`,
    `the zeroing work per page (halved, doubled) ${moves(zeroing, recs.length)}`,
  ];
  const effects = workloadEffects(recs, defs);
  for (const e of effects) parts.push(`the ${e.assumption} (${e.scenarios.join(', ')}) ${moves(e.changed, e.cases)}`);
  const cpus = [...new Set(recs.filter((r) => r.byWorkload !== null).map((r) => r.cpus))].join(', ');
  const workload =
    effects.length === 0
      ? " The allocation rate and the order mix were not varied (a sweep spec's scenarios run them)."
      : ` (the workload scenarios in runs of their own, at ${cpus} possible CPUs).`;
  return `What the recommended region depends on: ${parts.join('; ')}${effects.length === 0 ? '.' : ''}${workload} Verdicts: ${counts.join(', ')} (judged on the 95 % interval of each grid point).`;
}

function keyNumbers(input: SweepSummaryInput): string[] {
  const { recs } = input;
  const out: string[] = [];
  const settled = recs.filter((r) => r.verdict === 'meets');
  if (settled.length > 0) {
    const largest = settled.reduce((a, b) => ((b.regionPages ?? 0) > (a.regionPages ?? 0) ? b : a));
    const atLargest = settled.filter((r) => r.regionPages === largest.regionPages);
    const which =
      atLargest.length === 1
        ? ` (${largest.cpus} possible CPU${largest.cpus === 1 ? '' : 's'}, ${largest.variant})`
        : '';
    out.push(
      `Largest region any case needs: ${largest.regionPages} pages (${pagesToText(largest.regionPages!)}) per CPU, in ${atLargest.length} of ${settled.length} settled cases${which}.`,
    );
    const pt = Math.max(...settled.map((r) => r.pageTableBytesPerMm ?? 0));
    out.push(`Page tables per mm at the recommended regions: at most ${(pt / 1024).toFixed(0)} KiB.`);
  }
  const worst = recs
    .map((r) => r.fallbackRate)
    .filter((e) => e !== null)
    .reduce<number>((m, e) => Math.max(m, e!.ci95?.[1] ?? e!.mean), 0);
  if (worst > 0) out.push(`Highest fallback-rate upper bound at a recommended region: ${pct(worst)}.`);
  const noisy = recs.filter((r) => r.verdict === 'within-noise');
  if (noisy.length > 0) {
    const n = noisy.map((r) => r.replicatesToSettle).filter((x): x is number => x !== null);
    out.push(
      `${noisy.length} cases are within noise${n.length > 0 ? `; settling them takes up to ${Math.max(...n)} replicates` : ''}.`,
    );
  }
  return out;
}

interface Tables {
  swept: string[][];
  rec: { head: string[]; rows: string[][] };
  cost: { head: string[]; rows: string[][] };
  costOnly: { head: string[]; rows: string[][] };
  zeroing: { head: string[]; rows: string[][] };
  workload: { head: string[]; rows: string[][] };
}

function table(t: { columns: string[]; rows: string[][] }): { head: string[]; rows: string[][] } {
  return { head: t.columns, rows: t.rows };
}

function tables(input: SweepSummaryInput): Tables {
  return {
    swept: Object.entries(input.grid).map(([path, values]) => [path, values.map(valueText).join(', ')]),
    rec: {
      head: ['CPUs', 'variant', 'pages', 'slots', 'fallback %', 'flush cost %', 'verdict'],
      rows: input.recs.map((r) => [
        String(r.cpus),
        r.variant,
        r.regionPages === null ? '-' : String(r.regionPages),
        r.slots === null ? '-' : String(r.slots),
        formatEstimate(r.fallbackRate, 2, ''),
        formatEstimate(r.flushCostFraction, 2, ''),
        r.verdict,
      ]),
    },
    cost: table(sensitivityTable(input.recs)),
    costOnly: table(sensitivityTable(input.recs, 'cost')),
    zeroing: table(sensitivityTable(input.recs, 'zeroing')),
    workload: table(sensitivityTable(input.recs, 'workload')),
  };
}

function replicatesText(r: SweepSummaryInput['replicates']): string {
  if (r.min === r.max) return `${r.min} replicate${r.min === 1 ? '' : 's'}`;
  return `${r.min} to ${r.max} replicates (more where a target is in doubt)`;
}

function notSettledText(recs: readonly RegionVerdict[]): string[] {
  const open = recs.filter((r) => r.verdict !== 'meets');
  if (open.length === 0) return [];
  return [
    'Not settled:',
    ...open.flatMap((r) => wrap(`* ${caseName(r)}: ${r.verdict}: ${r.reason}`, SUMMARY_WIDTH, '  ')),
    '',
  ];
}

/**
 * A fixed-width table in 80 columns: two spaces between columns, one when two do not fit, and
 * when one does not fit either, the columns after the first `keep` in as many tables as it
 * takes, each repeating the first `keep` (a blank line between them).
 */
export function fitted(head: string[], rows: string[][], keep = 2): string[] {
  const fits = (lines: string[]) => lines.every((l) => l.length <= SUMMARY_WIDTH);
  const wide = alignColumns(head, rows);
  if (fits(wide)) return wide;
  const narrow = alignColumns(head, rows, ' ');
  if (fits(narrow) || head.length <= keep + 1) return narrow;
  const pick = (cols: number[]) => [cols.map((c) => head[c]!), rows.map((r) => cols.map((c) => r[c] ?? ''))] as const;
  const lead = head.slice(0, keep).map((_, i) => i);
  const out: string[] = [];
  let chunk: number[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    if (out.length > 0) out.push('');
    out.push(...alignColumns(...pick([...lead, ...chunk]), ' '));
    chunk = [];
  };
  for (let c = keep; c < head.length; c++) {
    if (chunk.length > 0 && !fits(alignColumns(...pick([...lead, ...chunk, c]), ' '))) flush();
    chunk.push(c);
  }
  flush();
  return out;
}

/** summary.txt: plain text, fixed-width tables, no line over 80 columns. */
export function summaryText(input: SweepSummaryInput): string {
  const t = tables(input);
  const para = (s: string) => [...wrap(s), ''];
  const lines = [
    `mermap-lab sweep '${input.name}'`,
    '',
    ...para(dependsText(input.recs, input.workloadScenarios)),
    ...para(
      `Swept: ${input.runs} runs of ${input.workload}, ${replicatesText(input.replicates)}, flush cost under ${input.costModel}:`,
    ),
    ...t.swept.flatMap(([path, values]) => wrap(`  ${path}: ${values}`, SUMMARY_WIDTH, '    ')),
    '',
    ...para(
      `Recommendation: the smallest region with ${targetsLine(input.targets)}, mean ± half the 95 % interval (n):`,
    ),
    ...fitted(t.rec.head, t.rec.rows),
    '',
    ...para('Region (pages) under each cost model preset:'),
    ...fitted(t.costOnly.head, t.costOnly.rows),
    '',
    ...para('Region (pages) with the zeroing work per page halved or doubled:'),
    ...fitted(t.zeroing.head, t.zeroing.rows),
    '',
    ...(t.workload.rows.length === 0
      ? []
      : [
          ...para('Region (pages) in each workload scenario (runs of their own):'),
          ...fitted(t.workload.head, t.workload.rows, 3),
          '',
        ]),
    ...keyNumbers(input).flatMap((s) => wrap(`* ${s}`, SUMMARY_WIDTH, '  ')),
    '',
    ...notSettledText(input.recs),
    'Reproduce:',
    ...wrap(`  ${input.command}`, SUMMARY_WIDTH, '    '),
  ];
  return `${lines.join('\n')}\n`;
}

function mdTable(head: string[], rows: string[][]): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** summary.md: the same content with Markdown tables. */
export function summaryMarkdown(input: SweepSummaryInput): string {
  const t = tables(input);
  const notSettled = input.recs.filter((r) => r.verdict !== 'meets');
  const lines = [
    `# mermap-lab sweep '${input.name}'`,
    '',
    dependsText(input.recs, input.workloadScenarios),
    '',
    '## What was swept',
    '',
    `${input.runs} runs of ${input.workload}, ${replicatesText(input.replicates)}, flush cost under ${input.costModel}.`,
    '',
    ...mdTable(['grid path', 'values'], t.swept),
    '',
    '## Recommendation',
    '',
    `The smallest region with ${targetsLine(input.targets)}; every number is mean ± half the 95 % interval (n).`,
    '',
    ...mdTable(t.rec.head, t.rec.rows),
    '',
    `Region (pages) under each cost model preset, and with the zeroing work per page halved or doubled${t.workload.rows.length === 0 ? '' : ', and in each workload scenario (runs of their own; blank: not run)'}:`,
    '',
    ...mdTable(t.cost.head, t.cost.rows),
    '',
    '## Numbers that matter',
    '',
    ...keyNumbers(input).map((s) => `* ${s}`),
    ...(notSettled.length > 0
      ? ['', '## Not settled', '', ...notSettled.map((r) => `* ${caseName(r)}: **${r.verdict}**: ${r.reason}`)]
      : []),
    '',
    '## Reproduce',
    '',
    '```sh',
    input.command,
    '```',
  ];
  return `${lines.join('\n')}\n`;
}
