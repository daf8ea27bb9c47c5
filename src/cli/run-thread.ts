/**
 * `mermap-lab run` simulates on a worker thread, so that the main thread stays free to answer
 * Ctrl-C. The simulation is one synchronous loop: run on the main thread, it kept Node from
 * running any signal handler until it ended, and with --out (whose folder lock handles SIGINT
 * to release itself) a Ctrl-C waited for the whole run, then let it write its files. Now the
 * main thread ends the thread at once, releases the folder and removes it if the run made it.
 *
 * Only text crosses back (./run-output.ts): a RunResult holds the machine, which cannot.
 * The thread and its modules cost a run about 0.07 s (`run --preset kunit-tight`: 0.52 to 0.56 s
 * against 0.45 to 0.48 s on the main thread, December 2026; 0.63 to 0.69 s before the thread
 * left arquero to runs with --out); a long run does not notice.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { RunConfig } from '../config/index.js';
import { resolveModulePath, threadExecArgv, TS_EXTENSION } from '../sweep/worker-module.js';
import { InputError } from '../util/input-error.js';
import type { RunOutput } from './run-output.js';
import type { RunThreadData, RunThreadMessage } from './run-thread-entry.js';

/** The run was stopped by a signal before it ended; nothing was written. */
export class RunInterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; nothing was written`);
    this.name = 'RunInterruptedError';
  }
}

/** Bad input the worker met, raised again here as the CLI's one-line error. */
class WorkerInputError extends InputError {
  override readonly exitCode: number;
  constructor(message: string, issues: string[], exitCode: number) {
    super(message, {}, issues);
    this.exitCode = exitCode;
  }
}

export interface RunThreadOptions {
  json: boolean;
  files: boolean;
  timeline: boolean;
  /** events so far and the simulated time (generators), every 65,536 events */
  onProgress?: ((events: number, nowNs: number) => void) | undefined;
  /** the share of a trace read so far */
  onTraceProgress?: ((fraction: number) => void) | undefined;
  /** aborting (with the signal's name as reason) ends the thread: the promise rejects with RunInterruptedError */
  signal: AbortSignal;
}

/**
 * The thread, on `entry`. A TypeScript entry (running from sources under tsx) is required with
 * tsx's CommonJS hook, registered in the thread itself: tsx's ES module hooks stay on the main
 * thread (Node 20), and the thread's require() would load the file as plain JavaScript.
 */
function startWorker(entry: string, workerData: RunThreadData): Worker {
  const execArgv = threadExecArgv([entry]);
  const options = { workerData, ...(execArgv === undefined ? {} : { execArgv }) };
  if (!TS_EXTENSION.test(entry)) return new Worker(entry, options);
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, {
    ...options,
    eval: true,
  });
}

/** Run `config` on a worker thread; what it prints and writes, as text. */
export function runOffThread(config: RunConfig, o: RunThreadOptions): Promise<RunOutput> {
  const entry = resolveModulePath(new URL('./run-thread-entry.js', import.meta.url));
  const data: RunThreadData = {
    config,
    json: o.json,
    files: o.files,
    timeline: o.timeline,
    progress: o.onProgress !== undefined || o.onTraceProgress !== undefined,
  };
  return new Promise<RunOutput>((resolve, reject) => {
    if (o.signal.aborted) {
      reject(new RunInterruptedError(o.signal.reason as NodeJS.Signals));
      return;
    }
    const worker = startWorker(entry, data);
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => {
      settle(() => reject(new RunInterruptedError(o.signal.reason as NodeJS.Signals)));
      void worker.terminate();
    };
    o.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: RunThreadMessage) => {
      if (m.type === 'progress') o.onProgress?.(m.events, m.nowNs);
      else if (m.type === 'trace') o.onTraceProgress?.(m.fraction);
      else if (m.type === 'done') settle(() => resolve(m.output));
      else settle(() => reject(new WorkerInputError(m.message, m.issues, m.exitCode)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the run's worker thread exited (${code}) without a result`))),
    );
  });
}
