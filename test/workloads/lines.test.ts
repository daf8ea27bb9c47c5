import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachLineOfText, LineReader, MAX_LINE_BYTES } from '../../src/workloads/trace/lines.js';

const dir = mkdtempSync(join(tmpdir(), 'mermap-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the naive reference: split on \n, drop one trailing \r per line, no line after a final \n */
function reference(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p));
}

function readAll(r: LineReader): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  for (let l = r.next(); l !== null; l = r.next()) out.push([l, r.lineNo, r.offset]);
  r.close();
  return out;
}

describe('the line splitter', () => {
  it('gives the reference lines, numbers and byte offsets for any block size (property)', () => {
    const piece = fc.constantFrom('a', 'é', '€', '𝄞', '\n', '\r\n', '\r', ' ', 'x1');
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }).map((p) => p.join('')),
        fc.integer({ min: 1, max: 9 }),
        (text, block) => {
          const file = join(dir, `t${n++}`);
          writeFileSync(file, text);
          const got = readAll(LineReader.open(file, {}, block));
          const ref = reference(text);
          expect(got.map((g) => g[0])).toEqual(ref);
          expect(got.map((g) => g[1])).toEqual(ref.map((_, i) => i + 1));
          // each offset is where its line starts in the file's bytes
          const bytes = Buffer.from(text, 'utf8');
          for (const [l, , off] of got)
            expect(bytes.subarray(off, off + Buffer.byteLength(l)).toString('utf8')).toBe(l);
          // a text gives the same lines
          const fromText: string[] = [];
          forEachLineOfText(text, (l) => fromText.push(l));
          expect(fromText).toEqual(ref);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a byte range, numbering lines from the range start', () => {
    const text = 'one\r\ntwo\nthree\nfour';
    const r = LineReader.ofText(text, { start: 5, end: 15, firstLine: 2 });
    expect(readAll(r)).toEqual([
      ['two', 2, 5],
      ['three', 3, 9],
    ]);
  });

  it('stops at a line longer than 1 MiB, naming it, and reads one of exactly 1 MiB', () => {
    const at = MAX_LINE_BYTES;
    const file = join(dir, 'long');
    // a \r before the \n does not count; a last line without \n is bounded alike
    writeFileSync(file, `ok\n${'x'.repeat(at)}\r\n${'y'.repeat(at + 1)}`);
    for (const block of [4096, 1 << 20]) {
      const r = LineReader.open(file, {}, block);
      expect([r.next(), r.next()?.length]).toEqual(['ok', at]);
      expect(() => r.next()).toThrow(`${file}:3: line longer than 1048576 bytes`);
    }
    const r = LineReader.ofText(`a\n${'z'.repeat(at + 1)}\nb\n`, {}, 'ops');
    expect(r.next()).toBe('a');
    expect(() => r.next()).toThrow('ops:2: line longer than 1048576 bytes');
  });
});
