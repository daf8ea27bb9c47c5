/**
 * The worker thread of `mermap-lab run` (./run-thread.ts): runs the config it is given, posts
 * progress while it runs, and posts what the run prints and writes (./run-output.ts), or the
 * bad input it met (a trace's malformed line, say) as plain data the main thread raises again.
 * Any other error is a bug: it leaves the thread as an error, with its stack.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunConfig } from '../config/index.js';
import { runConfig } from '../run/run.js';
import { InputError } from '../util/input-error.js';
import { type RunOutput, runOutput } from './run-output.js';

/** What the main thread hands the worker. */
export interface RunThreadData {
  config: RunConfig;
  json: boolean;
  /** write the run folder's files (--out): their text comes back with the output */
  files: boolean;
  /** keep CPU 0's region timeline (--out or --timeline) */
  timeline: boolean;
  /** post progress messages (a terminal's bar is showing) */
  progress: boolean;
}

/** The worker's messages. */
export type RunThreadMessage =
  | { type: 'progress'; events: number; nowNs: number }
  | { type: 'trace'; fraction: number }
  | { type: 'done'; output: RunOutput }
  | { type: 'input-error'; message: string; issues: string[]; exitCode: number };

function post(m: RunThreadMessage): void {
  parentPort!.postMessage(m);
}

/** The run; a rejection that is not bad input leaves the thread as its error (a bug, with its stack). */
async function main(d: RunThreadData): Promise<void> {
  try {
    const result = runConfig(d.config, {
      onProgress: d.progress ? (events, _total, nowNs) => post({ type: 'progress', events, nowNs }) : undefined,
      onTraceProgress: d.progress ? (fraction) => post({ type: 'trace', fraction }) : undefined,
      regionTimeline: d.timeline,
    });
    post({ type: 'done', output: await runOutput(result, d.json, d.files) });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    post({ type: 'input-error', message: e.message, issues: e.issues, exitCode: e.exitCode });
  }
}

// not a top-level await: under tsx (sources) this file is loaded by require()
void main(workerData as RunThreadData);
