/**
 * The constants the simulator reads on every event or page are const enums, which tsc writes
 * out as numbers; each module also exports the plain names (`EV_GET = Ev.GET`, `PTE_PRESENT =
 * Pte.PRESENT`...) for the public API and tests. An imported `const` is a module cell that V8
 * loads and checks at every use (docs/design.md, Habits), so the code in src uses the enums:
 * this finds every such alias in src and every use of one there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function parse(name: string, text: string): ts.SourceFile {
  return ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

/** Names of the const enums a file declares. */
function constEnums(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  walk(sf, (n) => {
    if (ts.isEnumDeclaration(n) && n.modifiers?.some((m) => m.kind === ts.SyntaxKind.ConstKeyword))
      out.push(n.name.text);
  });
  return out;
}

/** Exported consts initialized with a member of one of `enums` (`export const EV_GET = Ev.GET`). */
function aliases(sf: ts.SourceFile, enums: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || !st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of st.declarationList.declarations) {
      const init = d.initializer;
      if (
        ts.isIdentifier(d.name) &&
        init !== undefined &&
        ts.isPropertyAccessExpression(init) &&
        ts.isIdentifier(init.expression) &&
        enums.has(init.expression.text)
      )
        out.push(d.name.text);
    }
  }
  return out;
}

/**
 * Uses of an alias in a file: any identifier of that name but its own declaration and a
 * re-export (`export { FLUSH_ALL } from ...`, which keeps the public name public), as
 * "file:line name".
 */
function usesOf(sf: ts.SourceFile, names: ReadonlySet<string>, file: string): string[] {
  const out: string[] = [];
  walk(sf, (n) => {
    if (!ts.isIdentifier(n) || !names.has(n.text)) return;
    const p = n.parent;
    if (ts.isVariableDeclaration(p) && p.name === n) return;
    if (ts.isExportSpecifier(p)) return;
    out.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1} ${n.text}`);
  });
  return out;
}

const files = sourceFiles(SRC).map((f) => ({ file: relative(root, f), sf: parse(f, readFileSync(f, 'utf8')) }));
const enums = new Set(files.flatMap(({ sf }) => constEnums(sf)));
const names = new Set(files.flatMap(({ sf }) => aliases(sf, enums)));

describe('const enums in src', () => {
  it('are found, with the plain names that alias them', () => {
    for (const e of ['TlbFlag', 'Pte', 'Table', 'Stamp', 'Ev', 'EvFlag', 'Flush', 'Cat']) expect(enums).toContain(e);
    for (const n of ['PTE_PRESENT', 'PROT_KERNEL_GLOBAL', 'PTRS_PER_TABLE', 'INDEX_BITS', 'EV_GET', 'FLAG_ZEROING'])
      expect(names).toContain(n);
    for (const n of ['FLUSH_ALL', 'FLUSH_KINDS', 'CAT_MERMAP', 'TLB_CATEGORIES']) expect(names).toContain(n);
  });

  it('are what the code uses: no plain alias is read anywhere in src', () => {
    expect(files.flatMap(({ file, sf }) => usesOf(sf, names, file))).toEqual([]);
  });

  it('a use of an alias is reported, a re-export and a string are not', () => {
    const text = [
      "import { EV_GET } from './events.js';",
      "export { FLUSH_ALL } from './kinds.js';",
      "const label = 'EV_GET';",
      'export const isGet = (k: number) => k === EV_GET; // EV_GET',
    ].join('\n');
    expect(usesOf(parse('x.ts', text), names, 'x.ts')).toEqual(['x.ts:1 EV_GET', 'x.ts:4 EV_GET']);
  });
});
