import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeChartFiles, writeFileAtomic, writeReport } from '../../src/render/index.js';
import { UnsafeFileError } from '../../src/util/safe-write.js';
import { loadReportFixture, loadSpec } from '../fixtures/render/report-fixture.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mermap-render-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectPng(file: string): Promise<{ width: number; height: number }> {
  const buf = await readFile(file);
  expect(buf.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

async function expectSvg(file: string): Promise<{ width: number; height: number }> {
  const svg = await readFile(file, 'utf8');
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg).toContain('class="mark-');
  return {
    width: Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]),
    height: Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1]),
  };
}

describe('writeChartFiles', () => {
  it('writes NAME.svg and NAME.png of the same size, creating the folder, and nothing else', async () => {
    const out = path.join(dir, 'nested', 'charts');
    const files = await writeChartFiles(out, 'flushes', loadSpec('bar.vl.json'));
    expect(files).toEqual({ svg: path.join(out, 'flushes.svg'), png: path.join(out, 'flushes.png') });
    expect((await readdir(out)).sort()).toEqual(['flushes.png', 'flushes.svg']);
    expect(await expectPng(files.png)).toEqual(await expectSvg(files.svg));
  });

  it('applies the PNG scale', async () => {
    const files = await writeChartFiles(dir, 'x2', loadSpec('bar.vl.json'), { scale: 2 });
    const svg = await expectSvg(files.svg);
    expect(await expectPng(files.png)).toEqual({ width: svg.width * 2, height: svg.height * 2 });
  });

  it('replaces existing files', async () => {
    await writeFile(path.join(dir, 'c.svg'), 'old');
    await writeFile(path.join(dir, 'c.png'), 'old');
    await writeChartFiles(dir, 'c', loadSpec('line.vl.json'));
    expect((await readFile(path.join(dir, 'c.svg'), 'utf8')).startsWith('<svg ')).toBe(true);
    await expectPng(path.join(dir, 'c.png'));
    expect((await readdir(dir)).sort()).toEqual(['c.png', 'c.svg']);
  });

  it('refuses names that are paths, and writes nothing for a bad spec', async () => {
    await expect(writeChartFiles(dir, '../escape', loadSpec('bar.vl.json'))).rejects.toThrow(/not allowed/);
    await expect(writeChartFiles(dir, 'a/b', loadSpec('bar.vl.json'))).rejects.toThrow(/not allowed/);
    await expect(writeChartFiles(dir, '.hidden', loadSpec('bar.vl.json'))).rejects.toThrow(/not allowed/);
    await expect(writeChartFiles(dir, 'bad', { mark: 'no-such-mark' })).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('leaves the old file and no temporary file when the write fails', async () => {
    const target = path.join(dir, 'keep.txt');
    await writeFile(target, 'old');
    // A directory in place of the target makes rename() fail after the temp file was written.
    const blocked = path.join(dir, 'blocked');
    await mkdir(path.join(blocked, 'inner'), { recursive: true });
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'keep.txt']);
    await writeFileAtomic(target, 'new');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'keep.txt']);
  });
});

describe('writeReport', () => {
  it('writes report.html plus one SVG and one PNG per section, all inline and offline', async () => {
    const report = loadReportFixture();
    const out = path.join(dir, 'report');
    const files = await writeReport(out, report);
    expect(files.html).toBe(path.join(out, 'report.html'));
    expect(files.charts).toEqual(
      report.sections.map((s) => ({
        id: s.id,
        svg: path.join(out, `${s.id}.svg`),
        png: path.join(out, `${s.id}.png`),
      })),
    );
    const expected = ['report.html', ...report.sections.flatMap((s) => [`${s.id}.png`, `${s.id}.svg`])].sort();
    expect((await readdir(out)).sort()).toEqual(expected);
    for (const chart of files.charts) expect(await expectPng(chart.png)).toEqual(await expectSvg(chart.svg));

    const html = await readFile(files.html, 'utf8');
    expect(/<script[^>]*\bsrc\s*=/i.test(html), 'report.html has a <script src=>').toBe(false);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'`)<>\\]+/gi)].map((m) => m[0]);
    const cdn = urls.filter((u) => /jsdelivr|unpkg|cdnjs|googleapis|skypack|esm\.sh|cloudflare/i.test(u));
    expect(cdn).toEqual([]);
    expect(html.match(/data-chart-id="/g)).toHaveLength(report.sections.length);
    expect((await stat(files.html)).size).toBeGreaterThan(700_000);
  });

  it('writes nothing when one section cannot be rendered, and names it', async () => {
    const report = loadReportFixture();
    report.sections[1] = {
      ...report.sections[1]!,
      spec: { mark: 'bar', encoding: { x: { field: 'a', type: 'bogus' } } },
    };
    await expect(writeReport(dir, report)).rejects.toThrow(/report section "stlb-misses"/);
    expect(await readdir(dir)).toEqual([]);
  });
  it('writes nothing through a link: a report.html or chart link refuses the whole report', async () => {
    const report = loadReportFixture();
    const victim = path.join(dir, 'victim');
    await writeFile(victim, 'precious');
    const out = path.join(dir, 'report');
    await mkdir(out);
    await symlink(victim, path.join(out, 'report.html'));
    await expect(writeReport(out, report)).rejects.toThrow(
      new UnsafeFileError(
        `${path.join(out, 'report.html')} is a symbolic link; mermap-lab writes only regular files it owns (remove it first)`,
      ),
    );
    expect(await readdir(out)).toEqual(['report.html']);
    await rm(path.join(out, 'report.html'));
    await symlink(victim, path.join(out, `${report.sections[0]!.id}.png`));
    await expect(writeChartFiles(out, report.sections[0]!.id, report.sections[0]!.spec)).rejects.toThrow(
      UnsafeFileError,
    );
    expect(await readFile(victim, 'utf8')).toBe('precious');
  });
});
