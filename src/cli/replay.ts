import { createReadStream, statSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import { parseRunConfig } from '../config/parse.js';
import { allocatorNames } from '../core/allocators.js';
import { parseReplayLine, Replayer, ReplayError } from '../core/replay.js';
import { errnoText } from '../util/errno-text.js';
import { MAX_LINE_BYTES } from '../workloads/trace/lines.js';
import { UsageError } from './errors.js';

export interface ReplayOptions {
  variant: string;
  regionPages: number;
  slots?: number;
  cpus: number;
  tlb?: string;
  /** a PREEMPT_RT kernel: report lock_in_atomic (facts §8.2) */
  preemptRt?: boolean;
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
    preemptRt: opts.preemptRt ?? false,
  });
  let input: NodeJS.ReadableStream;
  if (script === '-') input = process.stdin;
  else {
    try {
      if (statSync(script).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      input = createReadStream(script);
      await new Promise<void>((resolve, reject) => {
        input.once('error', reject);
        input.once('open', () => resolve());
      });
    } catch (e) {
      throw new UsageError(`${script}: cannot read the script (${errnoText(e)})`);
    }
  }
  let lineNo = 0;
  let buf = '';
  try {
    for await (const line of readLines(input, MAX_LINE_BYTES)) {
      lineNo++;
      const op = parseReplayLine(line);
      if (op === null) continue;
      buf += `${JSON.stringify(replayer.apply(op))}\n`;
      if (buf.length > 1 << 16) {
        out.write(buf);
        buf = '';
      }
    }
  } catch (e) {
    out.write(buf);
    if (e instanceof ReplayError) throw new UsageError(`${script}:${lineNo}: ${e.message}`);
    if (e instanceof LineTooLongError) throw new UsageError(`${script}:${lineNo + 1}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code !== undefined) {
      throw new UsageError(`${script}: cannot read the script (${errnoText(e)})`);
    }
    throw e;
  }
  out.write(buf);
  return 0;
}

class LineTooLongError extends Error {}

/**
 * The lines of a stream (without their \n or \r\n), refusing one longer than `maxBytes` bytes
 * instead of buffering it whole.
 */
export async function* readLines(
  input: Iterable<Buffer | string> | AsyncIterable<unknown> | NodeJS.ReadableStream,
  maxBytes: number,
) {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (tail: Buffer): string => {
    const line = Buffer.concat([...pending, tail]).toString('utf8');
    pending = [];
    pendingBytes = 0;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a)) {
      if (pendingBytes + nl > maxBytes) throw new LineTooLongError(`line longer than ${maxBytes} bytes`);
      yield take(bytes.subarray(0, nl));
      bytes = bytes.subarray(nl + 1);
    }
    pendingBytes += bytes.length;
    if (pendingBytes > maxBytes) throw new LineTooLongError(`line longer than ${maxBytes} bytes`);
    if (bytes.length > 0) pending.push(Buffer.from(bytes));
  }
  if (pendingBytes > 0) yield take(Buffer.alloc(0));
}
