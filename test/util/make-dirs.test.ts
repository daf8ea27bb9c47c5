import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDir, makeDirs } from '../../src/util/make-dirs.js';

describe('makeDirs', () => {
  const root = mkdtempSync(join(tmpdir(), 'mermap-lab-dirs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('makes every missing level', () => {
    makeDirs(join(root, 'a', 'b', 'c'));
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
  });

  it('takes a folder another process made since (two shards making their shared parent)', () => {
    mkdirSync(join(root, 'shared'));
    expect(() => makeDir(join(root, 'shared'))).not.toThrow();
  });

  it('still refuses a file or a symbolic link where the folder goes', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => makeDir(join(root, 'file'))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    symlinkSync(join(root, 'a'), join(root, 'link'));
    expect(() => makeDir(join(root, 'link'))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });
});
