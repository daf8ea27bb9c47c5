import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../config/errors.js';
import { parseRunConfig } from '../config/parse.js';
import { allocatorNames } from '../core/allocators.js';
import { parseReplayLine, Replayer, ReplayError } from '../core/replay.js';
import { UsageError } from './errors.js';

export interface ReplayOptions {
  variant: string;
  regionPages: number;
  slots?: number;
  cpus: number;
  tlb?: string;
}

/**
 * mermap-lab replay SCRIPT.jsonl: one result line per op, written as each op is applied, so a
 * bad line stops the run with every earlier result already on stdout.
 */
export async function replayCommand(
  script: string,
  opts: ReplayOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!allocatorNames().includes(opts.variant)) {
    throw new UsageError(`--variant ${opts.variant} is not known: one of ${allocatorNames().join(', ')}`);
  }
  try {
    // the run config's rules (the region must fit the mm-local slot ...), so replay takes what run takes
    parseRunConfig(
      {
        machine: { possibleCpus: opts.cpus },
        mermap: {
          variant: opts.variant,
          regionPages: opts.regionPages,
          ...(opts.slots === undefined ? {} : { slots: opts.slots }),
        },
      },
      'replay options',
    );
  } catch (e) {
    if (e instanceof ConfigError)
      throw new UsageError(`--cpus ${opts.cpus} --region-pages ${opts.regionPages}: ${e.issues.join('; ')}`);
    throw e;
  }
  const replayer = new Replayer({
    possibleCpus: opts.cpus,
    regionPages: opts.regionPages,
    variant: opts.variant,
    allocatorOptions: opts.slots === undefined ? {} : { slots: opts.slots },
    tlb: opts.tlb,
  });
  const input = script === '-' ? process.stdin : createReadStream(script);
  const opened = new Promise<void>((resolve, reject) => {
    input.once('error', reject);
    if (script === '-') resolve();
    else input.once('open', () => resolve());
  });
  try {
    await opened;
  } catch (e) {
    throw new UsageError(`${script}: cannot read: ${(e as Error).message}`);
  }
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let buf = '';
  for await (const line of rl) {
    lineNo++;
    try {
      const op = parseReplayLine(line);
      if (op === null) continue;
      buf += `${JSON.stringify(replayer.apply(op))}\n`;
      if (buf.length > 1 << 16) {
        out.write(buf);
        buf = '';
      }
    } catch (e) {
      out.write(buf);
      if (e instanceof ReplayError) throw new UsageError(`${script}:${lineNo}: ${e.message}`);
      throw e;
    }
  }
  out.write(buf);
  return 0;
}
