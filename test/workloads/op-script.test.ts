import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunConfig } from '../../src/config/index.js';
import { FLAG_PROT_GLOBAL } from '../../src/workloads/events.js';
import { loadRunConfig } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';
import { collectEvents } from '../../src/workloads/stream.js';
import { OpScriptError, OpScriptSource, parseOpScript } from '../../src/workloads/trace/op-script.js';

const here = dirname(fileURLToPath(import.meta.url));
const opsFile = join(here, '..', 'fixtures', 'configs', 'ops-basic.jsonl');

function errorOf(text: string): string {
  try {
    parseOpScript(text, 'x.jsonl');
  } catch (e) {
    expect(e).toBeInstanceOf(OpScriptError);
    expect((e as OpScriptError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('expected an OpScriptError');
}

describe('op scripts', () => {
  it('parses gets, reserved gets, global prots and puts; cpu defaults to 0; blank lines skipped', () => {
    expect(parseOpScript(readFileSync(opsFile, 'utf8'), 'ops-basic.jsonl')).toEqual([
      { op: 'get', line: 1, cpu: 0, pages: 4, tag: 'a', reserved: false, prot: 'noglobal' },
      { op: 'get', line: 2, cpu: 1, pages: 1, tag: 'b', reserved: true, prot: 'noglobal' },
      { op: 'put', line: 3, cpu: 1, tag: 'b' },
      { op: 'get', line: 4, cpu: 0, pages: 1, tag: 'g', reserved: false, prot: 'global' },
      { op: 'put', line: 6, cpu: 0, tag: 'a' },
      { op: 'put', line: 7, cpu: 0, tag: 'g' },
    ]);
  });

  it('errors name file:line, with the messages of the core replay', () => {
    expect(errorOf('{"op":"get","pages":1,"tag":"a"}\n{"op":"get","pages":1,"tag":"b"\n')).toBe(
      'x.jsonl:2: not a JSON object',
    );
    expect(errorOf('[1]')).toBe('x.jsonl:1: not a JSON object');
    expect(errorOf('{"op":"get","pages":1,"tag":"a"}\n{"op":"map","tag":"a"}')).toBe(
      'x.jsonl:2: unknown op "map": allowed are "get" and "put"',
    );
    expect(errorOf('{"op":"put","tag":"zz"}')).toBe('x.jsonl:1: put of tag "zz", which is not live');
    expect(errorOf('{"op":"get","pages":1,"tag":"a"}\n\n{"op":"get","pages":1,"tag":"a"}')).toBe(
      'x.jsonl:3: tag "a" is already live',
    );
    expect(errorOf('{"op":"get","pages":0,"tag":"a"}')).toBe(
      'x.jsonl:1: "pages" must be a whole number in 1..262144, got 0',
    );
    expect(errorOf('{"op":"get","tag":"a"}')).toBe(
      'x.jsonl:1: "pages" must be a whole number in 1..262144, got undefined',
    );
    expect(errorOf('{"op":"get","pages":1,"cpu":-1,"tag":"a"}')).toBe(
      'x.jsonl:1: "cpu" must be a whole number >= 0, got -1',
    );
    expect(errorOf('{"op":"get","pages":1,"tag":""}')).toBe('x.jsonl:1: "tag" must be a non-empty string');
    expect(errorOf('{"op":"get","pages":1,"tag":"a","reserved":"yes"}')).toBe(
      'x.jsonl:1: "reserved" must be true or false',
    );
    expect(errorOf('{"op":"get","pages":1,"tag":"a","prot":"user"}')).toBe(
      'x.jsonl:1: "prot" must be "global" or "noglobal", got "user"',
    );
  });

  it('as a workload: one task per online CPU, op i at i * opSpacingNs, own pfns per get', () => {
    const c = loadRunConfig(join(here, '..', 'fixtures', 'configs', 'good.json'));
    const src = createEventSource(c);
    expect(src.info).toEqual({ kind: 'ops', ops: 6 });
    expect(Array.from(src.topology.taskCpu)).toEqual([0, 1]);
    expect(collectEvents(src).map((e) => [e.kind, e.time, e.cpu, e.task, e.a, e.b, e.pfn, e.flags])).toEqual([
      ['switch', 0, 0, 0, 0, 0, -1, 0],
      ['switch', 0, 1, 1, 0, 0, -1, 0],
      ['get', 0, 0, 0, 4, 0, 0x100000, 0],
      ['reserved', 1000, 1, 1, 0x100004, 1, 0x100004, 0],
      ['put', 2000, 1, 1, 1, 1, 0x100004, 0],
      ['get', 3000, 0, 0, 1, 3, 0x100005, FLAG_PROT_GLOBAL],
      ['put', 4000, 0, 0, 4, 0, 0x100000, 0],
      ['put', 5000, 0, 0, 1, 3, 0x100005, FLAG_PROT_GLOBAL],
    ]);
  });

  it('as a workload: CPUs must be online and reserved gets 1 page', () => {
    const ops = { text: '{"op":"get","cpu":2,"pages":1,"tag":"a"}' };
    expect(() => new OpScriptSource(ops, 2, 1000, 'x.jsonl')).toThrow(
      new OpScriptError('x.jsonl', 1, 'cpu 2 is not an online CPU (0..1)'),
    );
    const big = { text: '{"op":"get","pages":2,"tag":"r","reserved":true}' };
    expect(() => new OpScriptSource(big, 2, 1000, 'x.jsonl')).toThrow(
      "x.jsonl:1: a reserved get of 2 pages: a workload's reserved get maps exactly 1 page",
    );
  });

  it('streams: any chunk size gives op i at i * spacing with its own pfns, as a naive reference says', () => {
    const lines: string[] = [];
    const ref: Array<[string, number, number, number, number]> = [];
    let pfn = 0x100000;
    const live = new Map<string, [number, number, number]>();
    for (let i = 0; i < 3000; i++) {
      const tag = `t${i % 7}`;
      const got = live.get(tag);
      if (got === undefined) {
        const pages = 1 + (i % 5);
        lines.push(JSON.stringify({ op: 'get', cpu: i % 3, pages, tag }));
        live.set(tag, [i, pages, pfn]);
        ref.push(['get', ref.length * 10, i % 3, pages, pfn]);
        pfn += pages;
      } else {
        lines.push(i % 11 === 0 ? '' : JSON.stringify({ op: 'put', tag }));
        if (i % 11 === 0) continue;
        live.delete(tag);
        ref.push(['put', ref.length * 10, got[0] % 3, got[1], got[2]]);
      }
    }
    const text = lines.join('\r\n');
    for (const cap of [1, 5, 4096]) {
      const src = new OpScriptSource({ text }, 3, 10, 'x.jsonl');
      expect(src.count).toBe(ref.length);
      const ev = collectEvents(src, Infinity, cap).filter((e) => e.kind !== 'switch');
      expect(ev.map((e) => [e.kind, e.time, e.cpu, e.a, e.pfn])).toEqual(ref);
    }
  });

  it('an unreadable script is a config error naming the path', () => {
    const c = parseRunConfig({ workload: { kind: 'ops', path: 'no-such-ops.jsonl' } });
    expect(() => createEventSource(c)).toThrow(
      'workload.path: no-such-ops.jsonl: cannot read the file (ENOENT: no such file or folder)',
    );
  });
});
