import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/cli/replay.js';
import { cli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const fx = (n: string) => `test/fixtures/replay/${n}`;

describe('mermap-lab replay', () => {
  it('prints one JSON result per op, in order (test_size under rfc-v1, PREEMPT_RT)', () => {
    const r = cli(['replay', fx('kunit-test-size.jsonl'), '--variant', 'rfc-v1', '--preempt-rt']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { i: 0, ok: true, offset: 0, reason: null, flushes: 0, violations: [] },
      { i: 1, ok: true, flushes: 0, violations: [] },
      { i: 2, ok: false, offset: null, reason: 'no_space', flushes: 0, violations: [] },
      { i: 3, ok: true, offset: 0, reason: null, flushes: 1, violations: [] },
      { i: 4, ok: true, offset: 510, reason: null, flushes: 1, violations: [] },
      { i: 5, ok: false, offset: null, reason: 'no_space', flushes: 1, violations: [] },
      {
        i: 6,
        ok: true,
        offset: 511,
        reason: null,
        flushes: 1,
        violations: [
          {
            kind: 'lock_in_atomic',
            cpu: 0,
            detail: 'PTE lock taken in mermap reserved get with preemption or IRQs off',
          },
        ],
      },
      {
        i: 7,
        ok: true,
        flushes: 1,
        violations: [
          {
            kind: 'lock_in_atomic',
            cpu: 0,
            detail: 'PTE lock taken in mermap reserved put with preemption or IRQs off',
          },
        ],
      },
    ]);
  });

  it('without --preempt-rt the PTE lock in atomic context is no finding (same offsets and flushes)', () => {
    const r = cli(['replay', fx('kunit-test-size.jsonl'), '--variant', 'rfc-v1']);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.offset ?? null, l.flushes, l.violations])).toEqual([
      [0, 0, []],
      [null, 0, []],
      [null, 0, []],
      [0, 1, []],
      [510, 1, []],
      [null, 1, []],
      [511, 1, []],
      [null, 1, []],
    ]);
  });

  it('honours --slots, --region-pages and --cpus; reasons too_large and global_prot', () => {
    const script = [
      '{"op":"get","cpu":1,"pages":1,"tag":"a"}',
      '{"op":"get","cpu":1,"pages":1,"tag":"b"}',
      '{"op":"get","cpu":1,"pages":1,"tag":"c"}',
      '{"op":"get","cpu":1,"pages":9,"tag":"d"}',
      '{"op":"get","pages":1,"tag":"e","prot":"global"}',
      '{"op":"get","pages":2,"tag":"f","reserved":true}',
    ].join('\n');
    const r = cli(['replay', '-', '--variant', 'rfc-later', '--slots', '2', '--region-pages', '8', '--cpus', '2'], {
      input: script,
    });
    expect(r.status).toBe(0);
    const got = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((x) => x.reason ?? x.offset);
    expect(got).toEqual([0, 1, 'no_slot', 'too_large', 'global_prot', 'bad_reserved_size']);
  });

  it('a malformed line: earlier results written, one-line error naming the line, exit 2', () => {
    const r = cli(['replay', fx('malformed.jsonl'), '--variant', 'rfc-v1']);
    expect(r.status).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toBe('mermap-lab: test/fixtures/replay/malformed.jsonl:3: not a JSON object\n');
  });

  it('an unknown op and a put of a tag that is not live are errors naming the line', () => {
    const a = cli(['replay', '-', '--variant', 'rfc-v1'], {
      input: '{"op":"get","pages":1,"tag":"a"}\n{"op":"map","tag":"a"}\n',
    });
    expect(a.status).toBe(2);
    expect(a.stderr).toBe('mermap-lab: -:2: unknown op "map": allowed are "get" and "put"\n');
    const b = cli(['replay', '-', '--variant', 'rfc-v1'], { input: '{"op":"put","tag":"zz"}\n' });
    expect(b.status).toBe(2);
    expect(b.stderr).toBe('mermap-lab: -:1: put of tag "zz", which is not live\n');
  });

  it('a field an op does not have is an error naming the line (it used to be ignored)', () => {
    const typo = cli(['replay', '-', '--variant', 'rfc-v1'], {
      input: '{"op":"get","pages":1,"tag":"a"}\n{"op":"get","pages":1,"tag":"r","reserverd":true}\n',
    });
    expect([typo.status, typo.stdout.split('\n').length - 1]).toEqual([2, 1]);
    expect(typo.stderr).toBe(
      'mermap-lab: -:2: unknown field "reserverd": a get\'s fields are op, tag, cpu, pages, reserved, prot\n',
    );
    const put = cli(['replay', '-', '--variant', 'rfc-v1', '--cpus', '2'], {
      input: '{"op":"get","cpu":0,"pages":1,"tag":"a"}\n{"op":"put","cpu":1,"tag":"a"}\n',
    });
    expect(put.stderr).toBe(
      'mermap-lab: -:2: unknown field "cpu": a put\'s fields are op, tag (a put runs on the CPU of its get)\n',
    );
  });

  it('bad options: unknown variant, bad numbers, missing file', () => {
    const v = cli(['replay', fx('kunit-test-basic-alloc.jsonl'), '--variant', 'nope']);
    expect(v.status).toBe(2);
    expect(v.stderr).toMatch(/^mermap-lab: --variant nope is not known: one of rfc-v1, rfc-later, dev-snapshot/);
    const n = cli(['replay', fx('kunit-test-basic-alloc.jsonl'), '--variant', 'rfc-v1', '--region-pages', '1']);
    expect(n.status).toBe(2);
    expect(n.stderr).toContain('--region-pages must be a whole number of pages in 2..262144, got "1"');
    const f = cli(['replay', 'no-such-file.jsonl', '--variant', 'rfc-v1']);
    expect(f.status).toBe(2);
    expect(f.stderr).toBe('mermap-lab: no-such-file.jsonl: cannot read the script (ENOENT: no such file or folder)\n');
  });

  it('size flags: decimal digits only, within the run config limits; one line, exit 2', () => {
    const script = fx('kunit-test-basic-alloc.jsonl');
    const cases: Array<[string[], string]> = [
      [
        ['--region-pages', '0x40'],
        '--region-pages must be a whole number of pages in 2..262144, in decimal digits, got "0x40"',
      ],
      [
        ['--region-pages', '1e9'],
        '--region-pages must be a whole number of pages in 2..262144, in decimal digits, got "1e9"',
      ],
      [
        ['--region-pages', '1000000000'],
        '--region-pages must be a whole number of pages in 2..262144, got "1000000000"',
      ],
      [['--cpus', '100000'], '--cpus must be a whole number of CPUs in 1..8192, got "100000"'],
      [['--cpus', '300000'], '--cpus must be a whole number of CPUs in 1..8192, got "300000"'],
      [['--slots', '99999'], '--slots must be a whole number of slots in 1..1024, got "99999"'],
    ];
    for (const [flags, message] of cases) {
      const r = cli(['replay', script, '--variant', 'rfc-v1', ...flags]);
      expect([flags, r.status, r.stdout]).toEqual([flags, 2, '']);
      expect(r.stderr).toBe(`error: option '${flags[0]} <n>' argument '${flags[1]}' is invalid. ${message}\n`);
    }
    const fit = cli(['replay', script, '--variant', 'rfc-v1', '--cpus', '8192', '--region-pages', '262144']);
    expect(fit.status).toBe(2);
    expect(fit.stderr).toBe(
      'mermap-lab: --cpus 8192 --region-pages 262144: mermap.regionPages: 262144 is not allowed: 8192 CPUs x 262144 pages ' +
        'do not fit in the mm-local PGD slot with 4-level paging (at most 16383 pages per CPU)\n',
    );
  });

  it('a folder, and a line longer than 1 MiB: exit 2, one line, no stack trace', () => {
    const d = cli(['replay', 'test/fixtures/replay', '--variant', 'rfc-v1']);
    expect(d.status).toBe(2);
    expect(d.stderr).toBe(
      'mermap-lab: test/fixtures/replay: cannot read the script (EISDIR: it is a folder, not a file)\n',
    );
    const dir = scratchDir('mermap-replay-');
    const long = join(dir, 'long.jsonl');
    writeFileSync(long, `{"op":"get","pages":1,"tag":"a"}\n{"op":"get","pad":"${'x'.repeat(2 << 20)}"}\n`);
    const l = cli(['replay', long, '--variant', 'rfc-v1']);
    expect(l.stderr).toBe(`mermap-lab: ${long}:2: line longer than 1048576 bytes\n`);
    expect(l.status).toBe(2);
    expect(l.stdout.split('\n')).toHaveLength(2); // line 1's result, then the stop
  });
});

describe('readLines', () => {
  it('splits on \\n and \\r\\n across chunks, keeps a last line without newline, refuses a long one', async () => {
    const chunks = ['ab', 'c\r\nd', 'e\n\nf'].map((c) => Buffer.from(c));
    const lines: string[] = [];
    for await (const line of readLines(chunks, 10)) lines.push(line);
    expect(lines).toEqual(['abc', 'de', '', 'f']);
    const long = async () => {
      for await (const _ of readLines([Buffer.from('12345'), Buffer.from('678\n')], 7));
    };
    await expect(long()).rejects.toThrow('line longer than 7 bytes');
    const tail = async () => {
      for await (const _ of readLines([Buffer.from('1\n12345678')], 7));
    };
    await expect(tail()).rejects.toThrow('line longer than 7 bytes');
  });
});
