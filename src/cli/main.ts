import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { VARIANTS } from '../core/allocators.js';
import { DEFAULT_REGION_PAGES } from '../core/defaults.js';
import { LIMITS, parseDecimalSize, type SizeLimit } from '../config/limits.js';
import { listPresets } from '../config/presets.js';
import { replayCommand } from './replay.js';
import { toleratePipeClose } from './closed-pipe.js';
import { initCommand, initPresetNames } from './init.js';
import { reportCommand, scaleOption } from './report.js';
import { presetNames } from '../sweep/presets.js';
import { runCommand } from './run.js';
import { mergeCli, summaryCli, sweepCli } from './sweep.js';
import { InputError } from '../util/input-error.js';
import { printable } from '../util/printable.js';
import { widenV8Inlining } from '../util/v8-inlining.js';

/**
 * A size option: decimal digits only, within the same limit as the run config's field
 * (src/config/limits.ts), with the option named in the error.
 */
export function sizeOption(name: string, limit: SizeLimit): (v: string) => number {
  return (v: string) => {
    const n = parseDecimalSize(v, limit);
    if (typeof n === 'string') throw new InvalidArgumentError(`${name} ${n}, got "${v}"`);
    return n;
  };
}

/** A fraction in (0, 1], with the option named in the error. */
export function fractionOption(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1)
      throw new InvalidArgumentError(`${name} must be a fraction in (0, 1], got "${v}"`);
    return n;
  };
}

function packageVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below the package root
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mermap-lab')
    .description('Simulate the Linux mermap (__GFP_UNMAPPED): paging, TLBs, allocator versions, workloads, sweeps')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(printable(s)) });

  program
    .command('replay')
    .description('apply an op script (JSON lines) to one mm and print one JSON result per op')
    .argument('<script>', 'op script, one JSON object per line (- for stdin)')
    .requiredOption('--variant <name>', `mermap variant or policy: ${VARIANTS.join(', ')}`)
    .option(
      '--region-pages <n>',
      'per-CPU region size in pages',
      sizeOption('--region-pages', LIMITS.regionPages),
      DEFAULT_REGION_PAGES,
    )
    .option(
      '--slots <n>',
      'shared slots (rfc-v1, dev-snapshot) or normal slots (rfc-later)',
      sizeOption('--slots', LIMITS.slots),
    )
    .option('--cpus <n>', 'possible (and online) CPUs', sizeOption('--cpus', LIMITS.cpus), 1)
    .option('--preempt-rt', 'a PREEMPT_RT kernel: report lock_in_atomic (the PTE lock taken in atomic context)')
    .addHelpText(
      'after',
      '\nExample:\n  mermap-lab replay test/fixtures/replay/seed-diagram.jsonl --variant rfc-v1 --region-pages 16\n',
    )
    .action(
      async (
        script: string,
        o: { variant: string; regionPages: number; slots?: number; cpus: number; preemptRt?: boolean },
      ) => {
        process.exitCode = await replayCommand(script, o);
      },
    );

  program
    .command('run')
    .description('run one simulation and print its summary (or --json); --out DIR keeps the tables for a report')
    .argument('[config]', 'run config, JSON or YAML')
    .option('--preset <name>', 'an embedded run preset: default, kunit-tight, guest-boot, nested-slots')
    .option(
      '--trace <file>',
      'a trace of kmem:mm_page_alloc / mm_page_free as the workload (tracefs, trace-cmd report, perf script)',
    )
    .option('--format <format>', 'trace format: auto, ftrace, trace-cmd or perf', 'auto')
    .option(
      '--gfp-filter <flags>',
      "trace allocations taken as unmapped: 'A|B' (flag names, all required), 0xMASK, or '*' (default __GFP_UNMAPPED)",
    )
    .option(
      '--sample <fraction>',
      'take this seeded share of the matching trace allocations',
      fractionOption('--sample'),
    )
    .option('--lenient', 'skip and count malformed trace lines instead of stopping')
    .option(
      '--cpus <n>',
      "possible CPUs (default for a trace: its header's #P:N or cpus=N, else its highest CPU + 1)",
      sizeOption('--cpus', LIMITS.cpus),
    )
    .option('--variant <name>', `mermap variant or policy: ${VARIANTS.join(', ')}`)
    .option('--region-pages <n>', 'per-CPU region size in pages', sizeOption('--region-pages', LIMITS.regionPages))
    .option('--slots <n>', 'slots per CPU', sizeOption('--slots', LIMITS.slots))
    .option('--events <n>', 'stop after this many events', sizeOption('--events', LIMITS.events))
    .option('--seed <n>', 'seed', sizeOption('--seed', LIMITS.seed))
    .option('--json', 'print one JSON object instead of the summary')
    .option('--timeline', 'record the region timeline of CPU 0')
    .option('-o, --out <dir>', 'write run.json, per-cpu.csv and time-series.csv into DIR')
    .addHelpText(
      'after',
      `\nPresets: ${listPresets()
        .map((p) => p.name)
        .join(', ')}.\nExamples:\n  mermap-lab run --preset kunit-tight\n` +
        '  mermap-lab run my-run.yaml --json\n  mermap-lab run --trace boot.trace --format trace-cmd -o out/boot && mermap-lab report out/boot\n',
    )
    .action(async (config: string | undefined, o: Record<string, unknown>) => {
      process.exitCode = await runCommand({ ...(o as object), config });
    });

  program
    .command('sweep')
    .description('run a parameter sweep (parallel, resumable, shardable) and write results, charts and report.html')
    .argument('[spec]', 'sweep spec, JSON or YAML')
    .option('--preset <name>', 'an embedded sweep: default (the main job) or smoke')
    .option('-o, --out <dir>', 'output folder (required: results, journal, charts and report.html go there)')
    .option('-j, --workers <n>', 'worker threads (default: the number of cores)')
    .option('-q, --quiet', 'no progress lines and no run summary on stderr (errors still print)')
    .option('--shard <i/N>', 'run only the i-th of N disjoint parts (0-based)')
    .option('--resume', 'run only the points missing from DIR')
    .option('--no-report', 'do not write the charts and report.html at the end')
    .option('--replicates <n>', 'runs per grid point (the minimum in the adaptive mode)')
    .option(
      '--ci-width <w>',
      'adaptive mode: add replicates where an interval straddles a target until half of it is within W x the target (0: off)',
    )
    .option('--max-replicates <n>', 'adaptive mode: at most this many runs per grid point')
    .option('--max-fallback <fraction>', 'target fallback rate of the recommendation (default 0.01)')
    .option('--max-flush-cost <fraction>', 'target flush cost, a share of cycles (default 0.01)')
    .option('--scale <n>', 'PNG pixels per chart pixel: 2 for slides', scaleOption, 1)
    .addHelpText(
      'after',
      `\nPresets: ${presetNames().join(', ')}.\nExamples:\n  mermap-lab sweep --preset smoke -o out/smoke\n` +
        '  mermap-lab sweep spec.yaml -o out/s -j 2 --shard 0/4\n  mermap-lab sweep --preset default -o out/d --resume\n' +
        '  mermap-lab sweep --preset default -o out/d --max-fallback 0.005 --max-flush-cost 0.02\n',
    )
    .action(async (spec: string | undefined, o: Record<string, unknown>) => {
      process.exitCode = await sweepCli(spec, o);
    });

  program
    .command('summary')
    .description(
      "print a finished sweep's summary: what was swept, the recommendation with intervals, how to reproduce it",
    )
    .argument('<dir>', 'sweep folder')
    .option('--markdown', 'print summary.md instead of the 80-column text')
    .action((dir: string, o: { markdown?: boolean }) => {
      process.exitCode = summaryCli(dir, o);
    });

  program
    .command('merge')
    .description('join shard folders into results identical to one unsharded sweep')
    .argument('<dirs...>', 'shard output folders')
    .option('-o, --out <dir>', 'merged output folder')
    .addHelpText(
      'after',
      '\nExample:\n  mermap-lab merge out/s0 out/s1 out/s2 out/s3 -o out/merged && mermap-lab report out/merged\n',
    )
    .action(async (dirs: string[], o: { out?: string }) => {
      process.exitCode = await mergeCli(dirs, o);
    });

  program
    .command('report')
    .description('write report.html and one SVG and PNG per chart for a run folder (run --out) or a sweep folder')
    .argument('<dir>', 'run or sweep folder')
    .option('-o, --out <dir>', 'where to write the report (default: DIR itself)')
    .option('--scale <n>', 'PNG pixels per chart pixel: 2 for slides', scaleOption, 1)
    .addHelpText('after', '\nExamples:\n  mermap-lab report out/sweep\n  mermap-lab report run-dir -o slides/\n')
    .action(async (dir: string, o: { out?: string; scale?: number }) => {
      process.exitCode = await reportCommand(dir, o);
    });

  program
    .command('init')
    .description('print a preset as a file to start from: a sweep spec or a complete run config (YAML)')
    .option('--preset <name>', `one of: ${initPresetNames().join(', ')} (the kind may be left off)`)
    .addHelpText(
      'after',
      '\nExamples:\n  mermap-lab init --preset smoke > my-sweep.yaml && mermap-lab sweep my-sweep.yaml -o out\n' +
        '  mermap-lab init --preset run:kunit-tight > my-run.yaml && mermap-lab run my-run.yaml\n',
    )
    .action((o: { preset?: string }) => {
      process.exitCode = initCommand(o);
    });

  return program;
}

/**
 * Bad input (any InputError, recognised by class alone) as the user sees it: the message, then
 * each issue the message does not already show, and exit status 2. Null for anything else (a bug:
 * rethrown with its stack).
 */
export function reportInputError(e: unknown, write: (text: string) => void): number | null {
  if (!(e instanceof InputError)) return null;
  const { message, issues } = e;
  const lines = [message, ...issues.filter((i) => !message.includes(i)).map((i) => `  ${i}`)];
  write(`mermap-lab: ${printable(lines.join('\n'))}\n`);
  return e.exitCode;
}

export async function main(argv: string[]): Promise<void> {
  widenV8Inlining(); // before anything runs hot: see src/util/v8-inlining.ts
  toleratePipeClose(process.stdout);
  toleratePipeClose(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every usage error exits 2 (commander already printed it)
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const code = reportInputError(e, (text) => process.stderr.write(text));
    if (code !== null) {
      process.exitCode = code;
      return;
    }
    throw e;
  }
}
