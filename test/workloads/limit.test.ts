import { describe, expect, it } from 'vitest';
import { EV_GET, EventChunk, type EventSource } from '../../src/workloads/events.js';
import { LengthLimitedSource } from '../../src/workloads/limit.js';

/** n events at times 0, 10, 20, ... in chunks of at most `per` */
function counter(n: number, per = 7): EventSource {
  let i = 0;
  return {
    topology: { taskMm: new Int32Array(1), taskCpu: new Int32Array(1), mms: 1 },
    fill(chunk: EventChunk) {
      chunk.length = 0;
      while (i < n && chunk.length < Math.min(per, chunk.capacity)) {
        chunk.push(EV_GET, i * 10, 0, 0, 1, i, 0);
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
});
