/**
 * The progress bar of `mermap-lab run` on a terminal: what it counts, and the bar itself.
 *
 * A run ends at length.events or at length.seconds of simulated time, whichever comes first.
 * Counted in events, a run bounded only by its simulated time has no total, and its bar read
 * 50 % with no real ETA however long it would take (a time slice given in ns where µs were
 * meant makes such a run take hours). Counted in simulated time, its bar says how far it is
 * and how long it will be. A run bounded by both counts whichever share is the larger, so the
 * bar ends where the run does.
 */
import cliProgress from 'cli-progress';
import type { RunConfig } from '../config/index.js';

/** What a run's bar counts: its unit, its total, and the value for (events so far, simulated ns). */
export interface RunProgress {
  unit: string;
  total: number;
  value(events: number, nowNs: number): number;
}

const NS_PER_MS = 1e6;
const PER_MILLE = 1000;

/** The bar of a run of `config` (not a trace: a trace's bar is the share of its file read). */
export function runProgress(length: RunConfig['length']): RunProgress {
  const { events, seconds } = length;
  if (seconds === undefined) {
    // parseRunConfig() always gives a length: events alone here
    return { unit: 'events', total: events ?? 0, value: (e) => e };
  }
  const endMs = seconds * 1000;
  if (events === undefined) {
    return {
      unit: 'simulated ms',
      total: Math.ceil(endMs),
      value: (_e, ns) => Math.min(Math.floor(ns / NS_PER_MS), Math.ceil(endMs)),
    };
  }
  return {
    unit: 'per mille of the run',
    total: PER_MILLE,
    value: (e, ns) => Math.min(PER_MILLE, Math.floor(PER_MILLE * Math.max(e / events, ns / NS_PER_MS / endMs))),
  };
}

/** A progress bar on stderr, shown after a second; `unit` names what value and total count. */
export async function withProgress<T>(
  enabled: boolean,
  label: string,
  unit: string,
  f: (cb: (value: number, total: number) => void) => Promise<T>,
): Promise<T> {
  if (!enabled) return f(() => {});
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  let shown = -1;
  try {
    return await f((value, total) => {
      // an unchanged value is not passed on: the bar's ETA, from its last few updates, read
      // "INF" whenever they all held the same value (simulated time moves in whole ms)
      if (value === shown) return;
      if (bar === null) {
        if (Date.now() - started < 1000) return;
        bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta}s`, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, value);
      }
      bar.update(value);
      shown = value;
    });
  } finally {
    if (bar !== null) (bar as cliProgress.SingleBar).stop();
  }
}
