/** What the browser tests share: the report page's chart counters, and waiting for every chart. */
import type { Page } from 'playwright-core';

/** The counters the report page's script keeps on the window (src/render/report.ts). */
export interface ChartGlobals {
  __chartsRendered?: number;
  __chartsTotal?: number;
  __chartErrors?: Array<{ id: string | null; message: string }>;
}

/** Wait until every chart of the page has rendered or failed (30 s at most). */
export async function waitForCharts(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = globalThis as unknown as ChartGlobals;
      return (
        w.__chartsTotal !== undefined && (w.__chartsRendered ?? 0) + (w.__chartErrors?.length ?? 0) >= w.__chartsTotal
      );
    },
    undefined,
    { timeout: 30_000 },
  );
}
