import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runConfig, runRow } from '../../src/run/run.js';
import { sweepReportData, runReportData } from '../../src/analysis/reports.js';
import { writeReport } from '../../src/render/index.js';
import { parseRunConfig } from '../../src/config/index.js';
import { waitForCharts } from './page-charts.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../', import.meta.url));

interface PageGlobals {
  __chartsRendered?: number;
  __chartsTotal?: number;
  __chartErrors?: Array<{ id: string | null; message: string }>;
}

/** The reports mermap-lab really writes (a small sweep's, a run's), opened in Debian's Chromium. */
async function openInChromium(
  html: string,
  screenshot: string,
): Promise<{
  state: { rendered: number; total: number; errors: unknown[] };
  marks: Array<{ id: string | null; marks: number }>;
  /** the marks of each chart's static SVG, with JavaScript off */
  staticMarks: Array<{ id: string | null; marks: number }>;
  /** how far the page scrolls sideways at 1280 px */
  overflow: number;
  consoleErrors: string[];
}> {
  if (!existsSync(CHROMIUM))
    expect.fail(`${CHROMIUM} is missing: run scripts/setup.sh --with-browser (installs Debian's chromium)`);
  const browser = await chromium.launch({
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
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await waitForCharts(page);
    const state = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return { rendered: w.__chartsRendered ?? -1, total: w.__chartsTotal ?? -1, errors: w.__chartErrors ?? [] };
    });
    const marks = await page.$$eval('[data-chart-id]', (els) =>
      els.map((el) => ({
        id: el.getAttribute('data-chart-id'),
        marks: el.querySelectorAll('svg g[class^="mark-"] > path, svg g[class^="mark-"] > line').length,
      })),
    );
    const overflow = await page.evaluate(() => {
      const d = (
        globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
      ).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    // the same page with JavaScript off: the static SVG of every chart, its marks drawn
    const off = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const plain = await off.newPage();
    await plain.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    const staticMarks = await plain.$$eval('[data-chart-id]', (els) =>
      els.map((el) => ({
        id: el.getAttribute('data-chart-id'),
        marks: el.querySelectorAll('.static svg g[class^="mark-"] > path, .static svg g[class^="mark-"] > line').length,
      })),
    );
    await off.close();
    return { state, marks, staticMarks, overflow, consoleErrors };
  } finally {
    await browser.close();
  }
}

describe('real reports in Chromium', () => {
  it('a sweep report (region size x variant): every chart draws marks, no console errors', async () => {
    const rows = [];
    for (const regionPages of [64, 512]) {
      for (const variant of ['rfc-v1', 'rfc-later']) {
        const c = parseRunConfig({
          seed: 5,
          machine: { possibleCpus: 4 },
          mermap: { variant, regionPages },
          workload: { kind: 'unmapped-alloc', tlbPressure: {} },
          length: { events: 20_000 },
        });
        rows.push(runRow(c, runConfig(c).summary));
      }
    }
    const { report } = sweepReportData('browser-test', rows);
    const dir = scratchDir('mermap-sweep-report-');
    const files = await writeReport(dir, report);
    const got = await openInChromium(files.html, path.join(root, 'test-output', 'sweep-report.png'));
    expect(got.consoleErrors).toEqual([]);
    expect(got.state).toEqual({ rendered: report.sections.length, total: report.sections.length, errors: [] });
    expect(got.marks.map((m) => m.id)).toEqual(report.sections.map((s) => s.id));
    for (const m of got.marks) expect(m.marks, m.id ?? '').toBeGreaterThan(0);
    // with scripts off, the same charts with the same marks; at 1280 px nothing scrolls sideways
    expect(got.staticMarks).toEqual(got.marks);
    expect(got.overflow).toBe(0);
  });

  it('a run report (wasted VA over time, region timeline, TLB collateral)', async () => {
    const c = parseRunConfig({
      seed: 5,
      machine: { possibleCpus: 2 },
      mermap: { variant: 'rfc-v1', regionPages: 64 },
      workload: { kind: 'unmapped-alloc', tlbPressure: {} },
      length: { events: 20_000 },
    });
    const r = runConfig(c, { regionTimeline: true });
    const report = runReportData(r);
    expect(report.sections.map((s) => s.id)).toEqual([
      'wasted-va-over-time',
      'region-timeline-cpu0',
      'tlb-collateral-per-cpu',
    ]);
    const dir = scratchDir('mermap-run-report-');
    const files = await writeReport(dir, report);
    const got = await openInChromium(files.html, path.join(root, 'test-output', 'run-report.png'));
    expect(got.consoleErrors).toEqual([]);
    expect(got.state).toEqual({ rendered: 3, total: 3, errors: [] });
    for (const m of got.marks) expect(m.marks, m.id ?? '').toBeGreaterThan(0);
  });
});
