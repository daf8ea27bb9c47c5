import { describe, expect, it } from 'vitest';
import { escapeHtml, formatCell, renderReportHtml, type Report } from '../../src/render/index.js';
import { loadReportFixture, loadSpec } from '../fixtures/render/report-fixture.js';

const CDN_HOSTS =
  /https?:\/\/(cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|esm\.sh|cdn\.skypack\.dev|ajax\.googleapis\.com)/i;

/** The page's own markup: everything before the inlined libraries (which contain '<img' etc. in strings). */
function pageMarkup(html: string): string {
  const end = html.indexOf('<script data-library=');
  expect(end).toBeGreaterThan(0);
  return html.slice(0, end);
}

/** Opening tags of <script> elements, with their attributes. */
function scriptTags(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
}

describe('renderReportHtml', () => {
  const report = loadReportFixture();

  it('inlines vega, vega-lite and vega-embed and loads nothing from the network', async () => {
    const html = await renderReportHtml(report);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Booleans, not toMatch(): a failure must not print a 900 kB document.
    expect(/<script[^>]*\bsrc\s*=/i.test(html), 'a <script src=> in the page').toBe(false);
    expect(/<link\b/i.test(html), 'a <link> in the page').toBe(false);
    expect(CDN_HOSTS.exec(html)?.[0] ?? null).toBeNull();
    const tags = scriptTags(html);
    expect(tags).toEqual([
      '<script data-library="vega">',
      '<script data-library="vega-lite">',
      '<script data-library="vega-embed">',
      '<script type="application/json" id="mermap-report-specs">',
      '<script>',
    ]);
    // Every opened script element is closed exactly once: nothing in the payload ends one early.
    expect(html.match(/<\/script>/gi)).toHaveLength(tags.length);
    // The UMD builds themselves, not a stub: they define the globals the page script uses.
    expect(html.includes('.vega={}')).toBe(true);
    expect(html.includes('.vegaLite={}')).toBe(true);
    expect(html.includes('.vegaEmbed=')).toBe(true);
    expect(html.length).toBeGreaterThan(700_000);
    // And the page forbids any request it could still try to make.
    expect(pageMarkup(html)).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  });

  it('puts each chart in its own container with its caption right after it', async () => {
    const html = pageMarkup(await renderReportHtml(report));
    const ids = [...html.matchAll(/<div class="chart" id="chart-([^"]+)" data-chart-id="([^"]+)"/g)];
    expect(ids.map((m) => m[2])).toEqual(['flushes', 'stlb-misses', 'escape.check_1']);
    ids.forEach((m) => expect(m[1]).toBe(m[2]));
    expect(html).toMatch(
      /data-chart-id="flushes"[^>]*><\/div>\n<figcaption class="caption">Bars: TLB flushes per 1000 gets for each allocator policy\.<\/figcaption>/,
    );
  });

  it('turns the sections into the JSON the page script reads, unchanged', async () => {
    const html = await renderReportHtml(report);
    const json = /<script type="application\/json" id="mermap-report-specs">(.*?)<\/script>/s.exec(html)![1]!;
    expect(json.length).toBeLessThan(20_000);
    expect(json).not.toMatch(/[<>]/);
    expect(JSON.parse(json)).toEqual(report.sections.map((s) => ({ id: s.id, spec: s.spec })));
  });

  it('escapes the title, intro, section titles and captions', async () => {
    const full = await renderReportHtml(report);
    const html = pageMarkup(full);
    expect(html).toContain(
      '<title>mermap-lab render check &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</title>',
    );
    expect(html).toContain('<p class="intro">A fixture report for the render tests.</p>');
    expect(html).toContain('<p class="intro">Second paragraph with &lt;b&gt;markup&lt;/b&gt; &amp; an ampersand.</p>');
    expect(html).toContain('STLB misses &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    expect(html).not.toMatch(/<img\b/i);
    expect(html).toContain('&lt;/figcaption&gt;&lt;/section&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;');
    expect(full.includes('window.__pwned=3</script>')).toBe(false);
  });

  it('renders the optional table, numbers right-aligned and formatted', async () => {
    const html = pageMarkup(await renderReportHtml(report));
    const table = /<table class="data"[^>]*>.*?<\/table>/s.exec(html)![0];
    expect(table).toContain('<th scope="col">policy</th><th scope="col" class="num">flushes</th>');
    expect(table).toContain('<tr><td>kernel</td><td class="num">41</td><td class="num">0.585714</td></tr>');
    expect(html.match(/<table\b/g)).toHaveLength(1); // only the first section has one
  });

  it('rejects ids that are unsafe or repeated, and ragged tables', async () => {
    const bar = loadSpec('bar.vl.json');
    const base = { id: 'a', title: 't', caption: 'c', spec: bar };
    const bad: Array<[Report, RegExp]> = [
      [{ title: 'x', sections: [{ ...base, id: '../evil' }] }, /not allowed/],
      [{ title: 'x', sections: [{ ...base, id: '' }] }, /not allowed/],
      [{ title: 'x', sections: [{ ...base, id: 'a"b' }] }, /not allowed/],
      [{ title: 'x', sections: [base, { ...base }] }, /used twice/],
      [{ title: 'x', sections: [{ ...base, spec: 'bar' as unknown as object }] }, /spec must be/],
      [{ title: 'x', sections: [{ ...base, table: { columns: ['a', 'b'], rows: [[1]] } }] }, /must have 2 cells/],
      [{ title: 42 as unknown as string, sections: [] }, /report.title must be a string/],
    ];
    for (const [r, message] of bad) await expect(renderReportHtml(r)).rejects.toThrow(message);
  });
});

describe('escapeHtml and formatCell', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('formats cells', () => {
    expect(formatCell(123456789)).toBe('123,456,789');
    expect(formatCell(0.000123456789)).toBe('0.000123457');
    expect(formatCell(-2.5)).toBe('-2.5');
    expect(formatCell(Number.NaN)).toBe('NaN');
    expect(formatCell(null)).toBe('');
    expect(formatCell(undefined)).toBe('');
    expect(formatCell(10n)).toBe('10');
    expect(formatCell(true)).toBe('true');
    expect(formatCell(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z');
    expect(formatCell({ a: [1, 2] })).toBe('{"a":[1,2]}');
  });
});
