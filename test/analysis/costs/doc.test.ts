import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costModelsMarkdown } from '../../../src/analysis/costs/doc.js';

const DOC = new URL('../../../docs/cost-models.md', import.meta.url);

describe('docs/cost-models.md', () => {
  it('is what the presets generate (UPDATE_DOCS=1 rewrites it)', () => {
    const text = costModelsMarkdown();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, text);
    expect(readFileSync(DOC, 'utf8')).toBe(text);
  });

  it('has one row per parameter with the default preset’s figures', () => {
    const text = costModelsMarkdown();
    expect(text).toContain('| parameter | unit | low | molnar-2015 | hansen-2014 | kernel-tlb-c | high |');
    expect(text).toContain('| `flushAllCycles` | cycles | 96 d | 192 d | 2283 d | 9900 d | 9900 d |');
    expect(text).toContain('| `invpcidCycles` | cycles | 96 ? | 96 ? | 2283 ? | 9900 ? | 9900 ? |');
    expect(text).toContain('| `zeroCyclesPerPage` | cycles | 814 d | 897 d | 897 d | 897 d | 1200 a |');
  });
});
