import { describe, expect, it } from 'vitest';
import { type Lanes, runLanes } from '../../src/sweep/lanes.js';

/**
 * A pool stand-in whose runs finish when the test says: `log` records each run's start and each
 * result taken in, in order, so the tests read when a task was handed over.
 */
function harness(tasks: number, lanes: number) {
  let nextTask = 0;
  const log: string[] = [];
  const pending = new Map<number, (r: number) => void>();
  const failures: unknown[] = [];
  const l: Lanes<number, number> = {
    lanes,
    next: () => (nextTask < tasks ? nextTask++ : null),
    run: (t) => {
      log.push(`run ${t}`);
      return new Promise<number>((resolve, reject) => {
        pending.set(t, (r) => (r < 0 ? reject(new Error(`task ${t} failed`)) : resolve(r)));
      });
    },
    done: (t, r) => {
      log.push(`done ${t}=${r}`);
      if (r === 99) throw new Error('journal full');
    },
    failed: (t, err) => failures.push([t, (err as Error).message]),
    stopped: () => failures.length > 0,
  };
  /** finishes task t with result r (negative: its run fails), then lets the lanes react */
  const finish = async (t: number, r: number): Promise<void> => {
    pending.get(t)!(r);
    pending.delete(t);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { l, log, finish, failures, inFlight: () => [...pending.keys()] };
}

describe('runLanes', () => {
  it('starts as many tasks as lanes, in order, and the next one as each finishes', async () => {
    const h = harness(6, 4);
    const all = runLanes(h.l);
    expect(h.log).toEqual(['run 0', 'run 1', 'run 2', 'run 3']);
    await h.finish(2, 20);
    expect(h.log.slice(4)).toEqual(['done 2=20', 'run 4']);
    await h.finish(0, 0);
    expect(h.log.slice(6)).toEqual(['done 0=0', 'run 5']);
    expect(h.inFlight()).toEqual([1, 3, 4, 5]);
    for (const t of [5, 1, 3, 4]) await h.finish(t, t * 10);
    await all;
    expect(h.log.slice(8)).toEqual(['done 5=50', 'done 1=10', 'done 3=30', 'done 4=40']);
    expect(h.failures).toEqual([]);
  });

  it('never runs more lanes than tasks', async () => {
    const h = harness(2, 4);
    const all = runLanes(h.l);
    expect(h.inFlight()).toEqual([0, 1]);
    await h.finish(1, 1);
    await h.finish(0, 0);
    await all;
    expect(h.log).toEqual(['run 0', 'run 1', 'done 1=1', 'done 0=0']);
  });

  it('takes no task after a failed run, and still takes in the results of those in flight', async () => {
    const h = harness(10, 2);
    const all = runLanes(h.l);
    await h.finish(0, -1);
    expect(h.failures).toEqual([[0, 'task 0 failed']]);
    await h.finish(1, 10);
    await all;
    expect(h.log).toEqual(['run 0', 'run 1', 'done 1=10']);
  });

  it('reports a throw of done() with no task, and stops', async () => {
    const h = harness(10, 1);
    const all = runLanes(h.l);
    await h.finish(0, 99);
    await all;
    expect(h.failures).toEqual([[null, 'journal full']]);
    expect(h.log).toEqual(['run 0', 'done 0=99']);
  });
});
