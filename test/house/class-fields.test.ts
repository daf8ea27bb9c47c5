import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The build assigns class fields in the constructor (tsconfig.json: useDefineForClassFields
 * false; docs/design.md, Habits). With ES2022's defined fields, a field without an initializer
 * is emitted as a declaration, so every object starts with it undefined and the constructor's
 * assignment generalizes the field's type in V8: each later read of a typed array field then
 * checks its map, and of a number field whether it is a small integer. This compiles a class
 * with the project's own compiler options and looks at what comes out.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function compilerOptions(): ts.CompilerOptions {
  const file = ts.findConfigFile(ROOT, ts.sys.fileExists, 'tsconfig.build.json');
  if (file === undefined) throw new Error('tsconfig.build.json not found');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT).options;
}

const SOURCE = `
export class Entries {
  readonly vpn: Float64Array;
  valid = 0;
  constructor(n: number) {
    this.vpn = new Float64Array(n);
  }
}
`;

describe('class fields in the build', () => {
  it('are assigned in the constructor, never declared undefined first', () => {
    const js = ts.transpileModule(SOURCE, { compilerOptions: compilerOptions() }).outputText;
    expect(js).not.toMatch(/^\s*vpn;/m);
    expect(js).not.toMatch(/^\s*valid = 0;/m);
    const body = js.slice(js.indexOf('constructor(n) {'));
    expect(body.indexOf('this.valid = 0;')).toBeGreaterThan(0);
    expect(body.indexOf('this.vpn = new Float64Array(n);')).toBeGreaterThan(body.indexOf('this.valid = 0;'));
  });
});
