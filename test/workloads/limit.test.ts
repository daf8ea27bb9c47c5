import { describe, expect, it } from 'vitest';
import { EV_EXIT, EV_GET, EventChunk, type EventSource } from '../../src/workloads/events.js';
import { LengthLimitedSource, MAX_EXACT_NS } from '../../src/workloads/limit.js';
import { InputError } from '../../src/util/input-error.js';

/** n events at times start, start + 10, ... in chunks of at most `per` */
function counter(n: number, per = 7, start = 0): EventSource {
  let i = 0;
  return {
    topology: { taskMm: new Int32Array(1), taskCpu: new Int32Array(1), mms: 1 },
    fill(chunk: EventChunk) {
      chunk.length = 0;
      while (i < n && chunk.length < Math.min(per, chunk.capacity)) {
        chunk.push(EV_GET, start + i * 10, 0, 0, 1, i, 0);
        i++;
      }
      return i < n;
    },
  };
}

function drain(s: EventSource, cap = 5): { times: number[]; calls: number } {
  const chunk = new EventChunk(cap);
  const times: number[] = [];
  let calls = 0;
  let more = true;
  while (more) {
    more = s.fill(chunk);
    calls++;
    for (let i = 0; i < chunk.length; i++) times.push(chunk.time[i]!);
  }
  return { times, calls };
}

describe('LengthLimitedSource', () => {
  it('stops after exactly `events` events and says so', () => {
    const r = drain(new LengthLimitedSource(counter(100), { events: 12 }));
    expect(r.times).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    expect(r.calls).toBe(3);
  });

  it('an EXIT is not an op: `events` counts the others, and an EXIT past the last op is cut', () => {
    // every third event an EXIT, at the time of the op before it
    let i = 0;
    const src: EventSource = {
      topology: { taskMm: new Int32Array(1), taskCpu: new Int32Array(1), mms: 1 },
      fill(chunk: EventChunk) {
        chunk.length = 0;
        while (i < 30 && chunk.length < chunk.capacity) {
          if (i % 3 === 2) chunk.push(EV_EXIT, (i - 1) * 10, -1, -1, 0, 0, -1);
          else chunk.push(EV_GET, i * 10, 0, 0, 1, i, 0);
          i++;
        }
        return i < 30;
      },
    };
    const chunk = new EventChunk(5);
    const kinds: string[] = [];
    const limited = new LengthLimitedSource(src, { events: 5 }, true);
    for (let more = true; more; ) {
      more = limited.fill(chunk);
      for (let k = 0; k < chunk.length; k++)
        kinds.push(`${chunk.kind[k] === EV_EXIT ? 'exit' : 'get'}@${chunk.time[k]}`);
    }
    expect(kinds).toEqual(['get@0', 'get@10', 'exit@10', 'get@30', 'get@40', 'exit@40', 'get@60']);
  });

  it('stops before the first event later than `seconds`', () => {
    const r = drain(new LengthLimitedSource(counter(100), { seconds: 95e-9 }));
    expect(r.times).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const exact = drain(new LengthLimitedSource(counter(100), { seconds: 90e-9 }));
    expect(exact.times.at(-1)).toBe(90);
  });

  it('whichever comes first; a source that ends sooner ends it', () => {
    expect(drain(new LengthLimitedSource(counter(100), { events: 3, seconds: 1 })).times).toEqual([0, 10, 20]);
    expect(drain(new LengthLimitedSource(counter(4), { events: 30 })).times).toEqual([0, 10, 20, 30]);
    const s = new LengthLimitedSource(counter(4), {});
    expect(drain(s).times).toHaveLength(4);
    const chunk = new EventChunk(4);
    expect(s.fill(chunk)).toBe(false);
    expect(chunk.length).toBe(0);
  });

  it('stops with an InputError naming length when a kept event passes 2^53 - 1 ns', () => {
    expect(MAX_EXACT_NS).toBe(2 ** 53 - 1);
    // the last event exactly at 2^53 - 1 ns: every time is exact, the run goes on to its end
    const last = MAX_EXACT_NS - 30;
    expect(drain(new LengthLimitedSource(counter(4, 7, last), {})).times).toEqual([
      last,
      last + 10,
      last + 20,
      MAX_EXACT_NS,
    ]);
    // one event further (2^53 + 9 ns, a double that is not exact any more): the fill throws
    const over = () => drain(new LengthLimitedSource(counter(5, 7, last), {}));
    expect(over).toThrow(InputError);
    expect(over).toThrow(/^length: the run's simulated time passed 2\^53 ns \(104 days\)/);
    // a limit that cuts the run before the late events keeps it valid
    expect(drain(new LengthLimitedSource(counter(5, 7, last), { events: 4 })).times).toHaveLength(4);
  });
});
