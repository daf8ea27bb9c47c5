import { describe, expect, it } from 'vitest';
import { costByFunction, functionRows, parsePerfMap } from '../../bench/callgrind-functions.js';

const MAP = parsePerfMap(
  [
    '2000 10 JS:*b file:///x/.build/src/b.js:1:1',
    'not a map line',
    '1000 20 JS:*a file:///x/.build/src/a.js:3:9',
    '3000 8 Builtin:LoadIC',
  ].join('\n'),
);

// addresses 0x1000.. (a: 0x1000-0x101f), 0x2000.. (b: 0x2000-0x200f), 0x3000.. (LoadIC)
const PROFILE = [
  '# callgrind format',
  'version: 1',
  'pid: 42',
  'positions: instr line',
  'events: Ir',
  '',
  'ob=(1) ???',
  'fn=(1) 0x0000000000001000',
  '0x1000 0 5', // a's first instruction: 5 entries
  '+2 * 3', // 0x1002
  '+4 * 7', // 0x1006
  'calls=2 0x2000 0',
  '* * 100', // the call's inclusive cost: not a's own
  '-6 0 4', // 0x1000 again: 4 more entries
  '+0x1f 0 2', // 0x101f: a's last byte
  '+1 0 13', // 0x1020: past a, in nothing
  'fn=(2) 0x0000000000002000',
  '0x2000 0 9', // b's first instruction
  '+15 0 1', // 0x200f
  '0x3004 0 6', // LoadIC, not at its start: no entries
  '',
].join('\n');

describe('instructions by JavaScript function (bench:instructions --functions)', () => {
  it('reads a perf map, sorted by address, skipping other lines', () => {
    expect(MAP.map((e) => [e.start, e.size, e.name.split(' ')[0]])).toEqual([
      [0x1000, 0x20, 'JS:*a'],
      [0x2000, 0x10, 'JS:*b'],
      [0x3000, 8, 'Builtin:LoadIC'],
    ]);
  });

  it("sums each function's own instructions and counts entries at its first address", () => {
    const cost = costByFunction(PROFILE, MAP);
    expect(cost.total).toBe(5 + 3 + 7 + 4 + 2 + 13 + 9 + 1 + 6);
    expect(cost.functions).toEqual([
      { name: 'JS:*a file:///x/.build/src/a.js:3:9', instructions: 21, entries: 9 },
      { name: 'JS:*b file:///x/.build/src/b.js:1:1', instructions: 10, entries: 9 },
      { name: 'Builtin:LoadIC', instructions: 6, entries: 0 },
    ]);
  });

  it('prints the top functions without the build folder, and the rest in one row', () => {
    const rows = functionRows(costByFunction(PROFILE, MAP), 'file:///x/.build/', 1);
    expect(rows).toEqual([
      { function: 'JS:*a src/a.js:3:9', 'M instructions': 0, '% of all': 42, entries: 9, 'per entry': 2 },
      {
        function: '(the rest: other code, V8 compiling and collecting, start-up)',
        'M instructions': 0,
        '% of all': 58,
        entries: '-',
        'per entry': '-',
      },
    ]);
  });

  it('refuses a profile without instruction addresses', () => {
    expect(() => costByFunction('positions: line\nevents: Ir\n1 5\n', MAP)).toThrow(/--dump-instr=yes/);
  });
});
