/**
 * The lanes that feed a sweep's threads: each lane takes the queue's next task, hands it to the
 * pool and waits for its result, until the queue is empty or the sweep stops. Tasks leave the
 * queue in canonical order; results come back in any order.
 *
 * A sweep runs TASKS_IN_FLIGHT_PER_THREAD lanes a thread, so that a thread finishing a point
 * finds the next one already waiting in the pool's queue (piscina hands it over from the same
 * message handler that takes the result in), instead of idling while the main thread journals
 * the result, asks the queue for the next task and posts it:
 *
 *   one lane a thread    thread  [ p0 ]........[ p1 ]........[ p2 ]
 *                        main          journal p0, next, post
 *   two lanes a thread   thread  [ p0 ][ p1 ][ p2 ][ p3 ]
 *                        main          journal p0, post p2 (queued behind p1)
 *
 * Measured on the bench's 96-point sweep of real runs (November 2026, 2-core machine, busy):
 * between one point's end and the next one's start a thread waited 0.28 to 0.31 s in all on one
 * thread (3 ms a point) and 0.15 to 0.20 s on each of two; with two lanes a thread, 0.08 s and
 * 0.04 to 0.08 s. Which thread runs which point never changes a row, so the results stay the
 * same bytes; after a failure, a thread may still run the one task queued for it.
 */

/** Tasks kept in flight for each thread: the one it runs and the one queued behind it. */
export const TASKS_IN_FLIGHT_PER_THREAD = 2;

export interface Lanes<T, R> {
  /** how many tasks may be in flight at once */
  lanes: number;
  /** the next task in canonical order, or null when there is none */
  next(): T | null;
  /** runs a task (on the pool) and resolves with its result */
  run(task: T): Promise<R>;
  /** takes a task's result in; a throw stops the lanes as a failed run would */
  done(task: T, result: R): void;
  /** a task's run or done() threw: record it, so that stopped() turns true */
  failed(task: T | null, err: unknown): void;
  /** whether to take no more tasks (a failure, an interrupt) */
  stopped(): boolean;
}

/** Runs the queue's tasks on `lanes` lanes until it is empty or stopped(). */
export async function runLanes<T, R>(l: Lanes<T, R>): Promise<void> {
  const lane = async (): Promise<void> => {
    while (!l.stopped()) {
      const task = l.next();
      if (task === null) return;
      let result: R;
      try {
        result = await l.run(task);
      } catch (err) {
        l.failed(task, err);
        return;
      }
      try {
        l.done(task, result);
      } catch (err) {
        l.failed(null, err);
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: l.lanes }, lane));
}
