import { InputError, uniqueLines } from '../util/input-error.js';

/**
 * The sweep's errors, each with the exit status the CLI gives it:
 *   2  the input is wrong (a bad spec, bad options, an output folder that cannot be used);
 *      nothing was run and nothing was overwritten
 *   1  a point failed while running (the points finished before it stay in the journal)
 *   130 / 143  interrupted by SIGINT / SIGTERM (finished points stay in the journal)
 */
export class SweepError extends InputError {
  constructor(message: string, issues: readonly string[] = []) {
    super(message, {}, issues);
    this.name = 'SweepError';
  }
}

/** A sweep spec that does not validate. Every issue names the field (or grid point) at fault. */
export class SpecError extends SweepError {
  readonly source: string;
  constructor(source: string, issues: string[]) {
    const unique = uniqueLines(issues);
    super(`${source}: invalid sweep spec\n${unique.map((i) => `  - ${i}`).join('\n')}`, unique);
    this.name = 'SpecError';
    this.source = source;
  }
}

/** A point's run function threw. */
export class PointFailedError extends Error {
  readonly exitCode: number = 1;
  readonly point: number;
  constructor(point: number, label: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`point ${label} failed: ${why}`, { cause });
    this.name = 'PointFailedError';
    this.point = point;
  }
}

/** The sweep was stopped (SIGINT, SIGTERM, an aborted signal) before every point finished. */
export class SweepInterruptedError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 130) {
    super(message);
    this.name = 'SweepInterruptedError';
    this.exitCode = exitCode;
  }
}
