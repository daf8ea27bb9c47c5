/**
 * Progress on stderr: a cli-progress bar with ETA when the stream is a terminal, otherwise plain
 * lines (logs, CI, cluster jobs), one each time another tenth of the points is done or
 * `intervalSeconds` have passed, and one at the end:
 *
 *   sweep: 12/40 points, 2 workers, ETA 14s
 */
import cliProgress from 'cli-progress';
import type { SweepProgress } from './pool.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  stream?: ProgressStream | undefined;
  /** Force the bar (true) or plain lines (false); defaults to stream.isTTY. */
  tty?: boolean | undefined;
  /** Plain mode: the longest silence between lines. */
  intervalSeconds?: number | undefined;
  /** Clock in seconds, for tests. */
  now?: (() => number) | undefined;
}

export interface ProgressReporter {
  update(progress: SweepProgress): void;
  stop(): void;
}

/** `14s`, `3m05s`, `2h07m`; `?` when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatProgressLine(p: SweepProgress): string {
  return `sweep: ${p.done}/${p.total} points, ${p.workers} worker${p.workers === 1 ? '' : 's'}, ETA ${formatDuration(p.etaSeconds)}`;
}

export function createProgressReporter(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  if (tty) return barReporter(stream);
  const interval = options.intervalSeconds ?? 10;
  const now = options.now ?? (() => performance.now() / 1000);
  let lastTime = -Infinity;
  let lastDone = -1;
  let lastTenth = -1;
  let latest: SweepProgress | null = null;
  const print = (p: SweepProgress) => {
    stream.write(`${formatProgressLine(p)}\n`);
    lastTime = now();
    lastDone = p.done;
    lastTenth = tenth(p);
  };
  const tenth = (p: SweepProgress) => (p.total === 0 ? 10 : Math.floor((p.done * 10) / p.total));
  return {
    update(p) {
      latest = p;
      if (p.done === lastDone) return;
      if (lastDone < 0 || tenth(p) > lastTenth || now() - lastTime >= interval || p.done === p.total) print(p);
    },
    stop() {
      if (latest !== null && latest.done !== lastDone) print(latest);
    },
  };
}

function barReporter(stream: ProgressStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      format: 'sweep [{bar}] {value}/{total} points | {workers} workers | ETA {eta_text}',
      stream: stream as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { workers: p.workers, eta_text: formatDuration(p.etaSeconds) };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else {
        bar.update(p.done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
