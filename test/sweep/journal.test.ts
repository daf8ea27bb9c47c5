import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/sweep/results.js';
import { parseShard } from '../../src/sweep/shard.js';
import { encodeEntry, Journal, readJournal } from '../../src/sweep/journal.js';
import { prepareOutDir } from '../../src/sweep/store.js';
import { removeDir, tempDir } from './helpers.js';
import { entry, error, plan, record } from './journal-fixture.js';

const root = tempDir('journal');
afterAll(() => removeDir(root));
let n = 0;
const fresh = () => join(root, `d${n++}`);

describe('the journal', () => {
  it('round-trips every kind of cell, non-finite numbers included', () => {
    const dir = fresh();
    prepareOutDir(dir, record, false);
    const rows: JournalEntry['row'][] = [
      { a: NaN, b: Infinity, c: -Infinity, d: null, e: 'NaN', f: true, g: 0.1 + 0.2 },
      { $number: 'NaN', x: -0 },
    ];
    const journal = new Journal(dir);
    journal.append(entry(3, rows[0]));
    journal.append(entry(1, rows[1]));
    journal.close();
    const text = readFileSync(join(dir, 'results.jsonl'), 'utf8');
    const body =
      `{"point":3,"key":${JSON.stringify(plan.points[3]!.key)},"configHash":"${plan.points[3]!.configHash}",` +
      `"seed":${plan.points[3]!.seed},"events":10,"row":{"a":{"$number":"NaN"},"b":{"$number":"Infinity"},` +
      `"c":{"$number":"-Infinity"},"d":null,"e":"NaN","f":true,"g":0.30000000000000004}}`;
    const sum = createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 16);
    expect(text.split('\n')[0]).toBe(`${body.slice(0, -1)},"sum":"${sum}"}`);
    const { entries, partialLine } = readJournal(dir, plan, null);
    expect(partialLine).toBe(false);
    expect([...entries.keys()]).toEqual([3, 1]);
    expect(entries.get(3)!.row).toEqual(rows[0]);
    expect(Object.is(entries.get(3)!.row.a, NaN)).toBe(true);
    expect(entries.get(1)!.row).toEqual({ $number: 'NaN', x: 0 });
  });

  it('ignores a partial last line, and cuts it off when repairing', () => {
    const dir = fresh();
    prepareOutDir(dir, record, false);
    const whole = encodeEntry(entry(0)) + encodeEntry(entry(1));
    const cut = encodeEntry(entry(2)).slice(0, 40);
    writeFileSync(join(dir, 'results.jsonl'), whole + cut);
    expect([...readJournal(dir, plan, null).entries.keys()]).toEqual([0, 1]);
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe(whole + cut);
    const repaired = readJournal(dir, plan, null, { repair: true });
    expect(repaired.partialLine).toBe(true);
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe(whole);
  });

  it('refuses damaged, foreign, out-of-shard and conflicting lines', () => {
    const dir = fresh();
    prepareOutDir(dir, record, false);
    const path = join(dir, 'results.jsonl');
    const good = encodeEntry(entry(0));
    writeFileSync(path, `${good}{"point":\n${encodeEntry(entry(1))}`);
    expect(error(() => readJournal(dir, plan, null)).message).toBe(
      `${path} line 2 is damaged (not JSON); only a last line can be cut short by a kill`,
    );
    writeFileSync(path, good + encodeEntry({ ...entry(1), seed: 5 }));
    expect(error(() => readJournal(dir, plan, null)).message).toBe(`${path} line 2 does not belong to this sweep`);
    writeFileSync(path, good + encodeEntry({ ...entry(1), point: 12 }));
    expect(error(() => readJournal(dir, plan, null)).message).toBe(`${path} line 2 does not belong to this sweep`);
    writeFileSync(path, good + encodeEntry(entry(1, { v: [1] as never })));
    expect(error(() => readJournal(dir, plan, null)).message).toBe(`${path} line 2 does not belong to this sweep`);
    writeFileSync(path, good);
    expect(error(() => readJournal(dir, plan, parseShard('1/2'))).message).toBe(
      `${path} line 1 holds point 0, which is not in shard 1/2`,
    );
    writeFileSync(path, good + good);
    expect(readJournal(dir, plan, null).entries.size).toBe(1);
    writeFileSync(path, good + encodeEntry(entry(0, { v: 99 })));
    expect(error(() => readJournal(dir, plan, null)).message).toBe(
      `${path} line 2 repeats point 0 with different results`,
    );
  });

  it('refuses a line edited into other valid JSON, naming the line, and a line with no checksum', () => {
    const dir = fresh();
    prepareOutDir(dir, record, false);
    const path = join(dir, 'results.jsonl');
    const good = encodeEntry(entry(0, { flushes: 12 }));
    const edited = encodeEntry(entry(1, { flushes: 12 })).replace('"flushes":12', '"flushes":99999');
    writeFileSync(path, good + edited);
    expect(error(() => readJournal(dir, plan, null)).message).toBe(
      `${path} line 2 was changed after it was written (does not match its checksum); run that point again by deleting the line`,
    );
    const moved = good.replace('"point":0', '"point":1');
    writeFileSync(path, moved);
    expect(error(() => readJournal(dir, plan, null)).message).toMatch(/^\S+ line 1 was changed after it was written/);
    const old = good.replace(/,"sum":"[0-9a-f]{16}"\}/, '}');
    expect(old).not.toBe(good);
    writeFileSync(path, old);
    expect(error(() => readJournal(dir, plan, null, { repair: true })).message).toBe(
      `${path} line 1 has no checksum: the journal was written by an older mermap-lab or edited by hand;` +
        ` run the sweep again into a new --out`,
    );
  });
});
