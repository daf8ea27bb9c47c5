import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type ReportFiles } from '../../src/render/index.js';
import { loadReportFixture } from '../fixtures/render/report-fixture.js';
import { waitForCharts } from './page-charts.js';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../', import.meta.url));
const screenshot = path.join(root, 'test-output', 'report.png');
const report = loadReportFixture();

/**
 * What the page exposes, typed here because the project compiles without the DOM lib; the
 * page.evaluate() callbacks run in the browser and reach it through `globalThis`.
 */
interface PageElement {
  textContent: string | null;
}
interface PageGlobals {
  __chartsRendered?: number;
  __chartsTotal?: number;
  __chartErrors?: Array<{ id: string | null; message: string }>;
  __pwned?: number;
  document: {
    title: string;
    scripts: { length: number };
    documentElement: { dataset: Record<string, string | undefined> };
    querySelectorAll(selector: string): { length: number };
    querySelector(selector: string): PageElement | null;
  };
}

interface PageState {
  rendered: number;
  total: number;
  errors: Array<{ id: string | null; message: string }>;
  done: boolean;
}

describe('report.html in Chromium', () => {
  let browser: Browser | undefined;
  let dir: string | undefined;
  let files: ReportFiles;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return; // the test itself fails with the how-to-fix message
    dir = await mkdtemp(path.join(tmpdir(), 'mermap-report-'));
    files = await writeReport(dir, report);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws every chart offline from file://, with no errors, and tooltips work', async () => {
    if (!existsSync(CHROMIUM) || browser === undefined) {
      expect.fail(`${CHROMIUM} is missing: run scripts/setup.sh --with-browser (installs Debian's chromium)`);
    }
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') consoleErrors.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('request', (req) => requests.push(req.url()));

    const url = pathToFileURL(files.html).href;
    await page.goto(url, { waitUntil: 'load' });
    await waitForCharts(page);
    const state = await page.evaluate((): PageState => {
      const w = globalThis as unknown as PageGlobals;
      return {
        rendered: w.__chartsRendered ?? -1,
        total: w.__chartsTotal ?? -1,
        errors: w.__chartErrors ?? [],
        done: w.document.documentElement.dataset.chartsDone === 'true',
      };
    });
    expect(state).toEqual({ rendered: report.sections.length, total: report.sections.length, errors: [], done: true });

    // Each container holds one chart with drawn marks.
    const charts = await page.$$eval('[data-chart-id]', (els) =>
      els.map((el) => ({
        id: el.getAttribute('data-chart-id'),
        svgs: el.querySelectorAll('svg.marks').length,
        marks: el.querySelectorAll(
          'svg g[class^="mark-"] > path, svg g[class^="mark-"] > line, svg g[class^="mark-"] > text',
        ).length,
        rects: el.querySelectorAll('svg g.mark-rect > path').length,
        lines: el.querySelectorAll('svg g.mark-line > path').length,
        caption: el.nextElementSibling?.textContent ?? null,
      })),
    );
    expect(charts.map((c) => c.id)).toEqual(report.sections.map((s) => s.id));
    charts.forEach((c, i) => {
      expect(c.svgs, `chart ${c.id}`).toBe(1);
      expect(c.marks, `chart ${c.id}`).toBeGreaterThan(10);
      expect(c.caption).toBe(report.sections[i]!.caption);
    });
    expect(charts[0]!.rects).toBe(4); // four bars
    expect(charts[1]!.lines).toBe(2); // one line per CPU
    expect(charts[2]!.rects).toBe(4);

    // Text from titles, captions and spec data shows as text; none of it ran as markup or code.
    const injected = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return {
        pwned: w.__pwned ?? null,
        imgs: w.document.querySelectorAll('img').length,
        title: w.document.title,
        scripts: w.document.scripts.length,
        chartTitle:
          w.document.querySelector('[data-chart-id="escape.check_1"] .role-title-text text')?.textContent ?? null,
      };
    });
    expect(injected).toEqual({
      pwned: null,
      imgs: 0,
      title: report.title,
      scripts: 5,
      chartTitle: '</script><script>window.__pwned=3</script><!--',
    });

    // Tooltips: hovering the first bar shows its values.
    const bar = page.locator('[data-chart-id="flushes"] g.mark-rect > path').first();
    await bar.hover();
    const tooltip = await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5_000 });
    const tip = (await tooltip.textContent()) ?? '';
    expect(tip).toContain('kernel');
    expect(tip).toContain('41');
    await page.mouse.move(0, 0);

    await mkdir(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });

    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests.filter((r) => !r.startsWith('file:') && !r.startsWith('data:'))).toEqual([]);
    await context.close();
  });

  it('with JavaScript off shows every chart as static SVG, each caption once', async () => {
    if (!existsSync(CHROMIUM) || browser === undefined) expect.fail(`${CHROMIUM} is missing`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(files.html).href, { waitUntil: 'load' });
    const charts = await page.$$eval('[data-chart-id]', (els) =>
      els.map((el) => ({
        id: el.getAttribute('data-chart-id'),
        svgs: el.querySelectorAll('.static > svg').length,
        rects: el.querySelectorAll('svg g.mark-rect > path').length,
        lines: el.querySelectorAll('svg g.mark-line > path').length,
        texts: el.querySelectorAll('svg g[class^="mark-"] > text').length,
      })),
    );
    expect(charts.map((c) => c.id)).toEqual(report.sections.map((s) => s.id));
    for (const c of charts) {
      expect(c.svgs, `chart ${c.id}`).toBe(1);
      expect(c.texts, `chart ${c.id}`).toBeGreaterThan(5);
    }
    // the same marks the live chart draws: four bars, one line per CPU, four bars
    expect(charts.map((c) => c.rects).slice(0, 3)).toEqual([4, 0, 4]);
    expect(charts[1]!.lines).toBe(2);
    const scroll = await page.evaluate(() => {
      const d = (
        globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
      ).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(scroll).toBe(0);
    await context.close();
  });
});
