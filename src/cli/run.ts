import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRunConfig, parseRunConfig, presetConfig, listPresets, type RunConfig } from '../config/index.js';
import { LIMITS, sizeAllowed } from '../config/limits.js';
import { TRACE_FORMATS, traceCpus } from '../workloads/index.js';
import { withOutDir, writableTarget, writeFileAtomicSync } from './atomic.js';
import { codeText } from '../util/errno-text.js';
import { signalStatus } from '../util/signal-status.js';
import { canonicalJson, sha256Hex } from '../config/canonical.js';
import { SWEEP_FILE } from '../sweep/store.js';
import { UsageError } from './errors.js';
import type { RunOutput } from './run-output.js';
import { runProgress, withProgress } from './run-progress.js';
import { RunInterruptedError, runOffThread } from './run-thread.js';
import { RUN_FILE } from '../run/run-files.js';

export interface RunCommandOptions {
  config?: string | undefined;
  preset?: string | undefined;
  trace?: string | undefined;
  format?: string | undefined;
  lenient?: boolean | undefined;
  gfpFilter?: string | undefined;
  sample?: number | undefined;
  cpus?: number | undefined;
  variant?: string | undefined;
  regionPages?: number | undefined;
  slots?: number | undefined;
  events?: number | undefined;
  seed?: number | undefined;
  json?: boolean | undefined;
  out?: string | undefined;
  timeline?: boolean | undefined;
}

/** The CPUs of a trace: its header's, else its highest CPU column + 1. */
function cpusOfTrace(file: string, format: string): number {
  try {
    return traceCpus({ path: file }, format as 'auto');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`${file}: cannot read the trace (${codeText(code)})`);
    throw e;
  }
}

function buildConfig(o: RunCommandOptions): RunConfig {
  const sources = [o.config, o.preset, o.trace].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError('give exactly one of CONFIG, --preset NAME or --trace FILE');
  let raw: Record<string, unknown>;
  if (o.preset !== undefined) {
    if (!listPresets().some((p) => p.name === o.preset)) {
      throw new UsageError(
        `--preset ${o.preset} is not known: one of ${listPresets()
          .map((p) => p.name)
          .join(', ')}`,
      );
    }
    raw = structuredClone(presetConfig(o.preset)) as unknown as Record<string, unknown>;
  } else if (o.trace !== undefined) {
    const format = o.format ?? 'auto';
    if (format !== 'auto' && !(TRACE_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format ${format} is not known: one of auto, ${TRACE_FORMATS.join(', ')}`);
    const cpus = o.cpus ?? cpusOfTrace(o.trace, format);
    if (cpus > LIMITS.cpus.max)
      throw new UsageError(
        `${o.trace}: the trace has ${cpus} possible CPUs, more than the ${LIMITS.cpus.max} the simulator models: ` +
          `give --cpus N (${sizeAllowed(LIMITS.cpus)}) for the CPUs its events use`,
      );
    raw = {
      machine: { possibleCpus: cpus },
      workload: { kind: 'ftrace', path: o.trace, format, lenient: o.lenient === true },
      length: { events: Number.MAX_SAFE_INTEGER },
    };
  } else {
    raw = structuredClone(loadRunConfig(o.config!)) as unknown as Record<string, unknown>;
  }
  const m = (raw.mermap ?? {}) as Record<string, unknown>;
  if (o.variant !== undefined) {
    m.variant = o.variant;
    if (o.slots === undefined) delete m.slots; // the variant's own default
  }
  if (o.regionPages !== undefined) m.regionPages = o.regionPages;
  if (o.slots !== undefined) m.slots = o.slots;
  raw.mermap = m;
  if (o.cpus !== undefined && o.trace === undefined) {
    const mach = (raw.machine ?? {}) as Record<string, unknown>;
    mach.possibleCpus = o.cpus;
    delete mach.onlineCpus;
    raw.machine = mach;
  }
  if (o.events !== undefined) raw.length = { events: o.events };
  if (o.seed !== undefined) raw.seed = o.seed;
  const w = raw.workload as Record<string, unknown> | undefined;
  const isTrace = w !== undefined && w.kind === 'ftrace';
  if ((o.gfpFilter !== undefined || o.sample !== undefined) && !isTrace)
    throw new UsageError('--gfp-filter and --sample apply to a trace workload (--trace FILE)');
  if (isTrace) {
    if (o.lenient) w.lenient = true;
    if (o.gfpFilter !== undefined) w.gfpFilter = o.gfpFilter;
    if (o.sample !== undefined) w.unmappedFraction = o.sample;
  }
  // overrides and the loaded file are validated again together
  return parseRunConfig(raw, o.config ?? (o.preset !== undefined ? `preset ${o.preset}` : o.trace));
}

export async function runCommand(o: RunCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = buildConfig(o);
  // Ctrl-C (or SIGTERM) ends the run's thread at once (./run-thread.ts); a second one exits
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(signalStatus(signal));
    stop.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // The output folder is checked (and locked) before simulating, and removed again if the run
    // fails or is interrupted and the folder was made for it.
    const output =
      o.out === undefined
        ? await simulate(config, o, stop.signal)
        : await withOutDir(o.out, 'mermap-lab run', async () => {
            refuseOtherResults(o.out!, config);
            const r = await simulate(config, o, stop.signal);
            writeRunFolder(o.out!, r.files!);
            return r;
          });
    out.write(output.text);
    return 0;
  } catch (e) {
    if (!(e instanceof RunInterruptedError)) throw e;
    process.stderr.write(`mermap-lab: run: ${e.message}\n`);
    return signalStatus(e.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The run on its worker thread, with a progress bar on a terminal. */
function simulate(config: RunConfig, o: RunCommandOptions, signal: AbortSignal): Promise<RunOutput> {
  // a trace's length is its own, not an event count: its bar is the share of the file read
  const isTrace = config.workload.kind === 'ftrace';
  const tty = process.stderr.isTTY === true;
  const bar = runProgress(config.length);
  return withProgress(tty, isTrace ? 'trace' : 'run', isTrace ? 'per mille read' : bar.unit, (cb) =>
    runOffThread(config, {
      json: o.json === true,
      files: o.out !== undefined,
      timeline: o.out !== undefined || o.timeline === true,
      onProgress: tty && !isTrace ? (e, ns) => cb(bar.value(e, ns), bar.total) : undefined,
      onTraceProgress: tty && isTrace ? (f) => cb(Math.round(f * 1000), 1000) : undefined,
      signal,
    }),
  );
}

/**
 * A folder that holds another run's results, or a sweep's, is refused before simulating, as a
 * sweep refuses another sweep's folder: writing over them would lose them. A run of the same
 * config (the same canonical JSON) writes the same results again and may.
 */
function refuseOtherResults(dir: string, config: RunConfig): void {
  if (existsSync(join(dir, SWEEP_FILE))) throw new UsageError(`${dir}: holds a sweep's results; choose another --out`);
  const runFile = join(dir, RUN_FILE);
  if (!existsSync(runFile)) return;
  let previous: unknown;
  try {
    previous = (JSON.parse(readFileSync(runFile, 'utf8')) as { report?: { config?: unknown } }).report?.config;
  } catch {
    previous = undefined;
  }
  const hash = (c: unknown) => sha256Hex(canonicalJson(c));
  if (previous === undefined || hash(previous) !== hash(config)) {
    throw new UsageError(`${dir}: holds the results of another run (run.json); choose another --out, or remove them`);
  }
}

function writeRunFolder(dir: string, files: NonNullable<RunOutput['files']>): void {
  // Every destination is checked before the first is written, so a refusal leaves nothing half-written
  for (const f of files) writableTarget(join(dir, f.name));
  for (const f of files) writeFileAtomicSync(join(dir, f.name), f.text);
}
