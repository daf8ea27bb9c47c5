import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { UsageError } from './errors.js';
import { replayCommand } from './replay.js';

/** Whole numbers for options, with the option named in the error. */
export function intOption(name: string, min: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got "${v}"`);
    return n;
  };
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mermap-lab')
    .description('Simulate the Linux mermap (__GFP_UNMAPPED): paging, TLBs, allocator versions, workloads, sweeps')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('replay')
    .description('apply an op script (JSON lines) to one mm and print one JSON result per op')
    .argument('<script>', 'op script, one JSON object per line (- for stdin)')
    .requiredOption('--variant <name>', 'rfc-v1 | rfc-later | dev-snapshot | a policy name')
    .option('--region-pages <n>', 'per-CPU region size in pages', intOption('--region-pages', 2), 512)
    .option('--slots <n>', 'shared slots (rfc-v1, dev-snapshot) or normal slots (rfc-later)', intOption('--slots', 1))
    .option('--cpus <n>', 'possible (and online) CPUs', intOption('--cpus', 1), 1)
    .action(async (script: string, o: { variant: string; regionPages: number; slots?: number; cpus: number }) => {
      process.exitCode = await replayCommand(script, o);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every usage error exits 2 (commander already printed it)
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const err = e as Error & { exitCode?: number; issues?: string[] };
    if (e instanceof UsageError || err.exitCode === 2 || Array.isArray(err.issues)) {
      process.stderr.write(`mermap-lab: ${err.message}\n`);
      if (Array.isArray(err.issues)) for (const i of err.issues) process.stderr.write(`  ${i}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}
