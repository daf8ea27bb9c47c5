/**
 * Facts: the numbers a notebook states in its text, recorded as they are stated, so a test can
 * recompute them and find them in the executed notebook's output.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeDirs } from '../util/make-dirs.js';
import { exportChart } from './render.js';

export type FactValue = number | string | boolean;

export interface FactFormat {
  /** decimals shown (numbers; default 0) */
  digits?: number;
  /** multiply before showing (e.g. 100 for a percentage, 1/1024 for KiB; default 1) */
  scale?: number;
  /** appended to the number (e.g. ' %', ' KiB') */
  suffix?: string;
}

export interface FactRecord {
  value: FactValue;
  format: FactFormat;
  /** the value as it appears in the text */
  text: string;
}

/** A fact's text: numbers scaled, with `digits` decimals and en-US grouping ("1,028", "4.77 %"). */
export function formatFact(value: FactValue, format: FactFormat = {}): string {
  if (typeof value !== 'number') return String(value);
  const d = format.digits ?? 0;
  const v = value * (format.scale ?? 1);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) + (format.suffix ?? '');
}

/** A value with the way a statement shows it (see percent, fixed). */
export interface Formatted {
  value: FactValue;
  format: FactFormat;
}

/** A share shown as a percentage: percent(0.0477, 2) is "4.77 %". */
export function percent(value: number, digits = 1): Formatted {
  return { value, format: { digits, scale: 100, suffix: ' %' } };
}

/** A number with `digits` decimals and an optional suffix: fixed(1.5, 2, ' KiB') is "1.50 KiB". */
export function fixed(value: number, digits: number, suffix?: string): Formatted {
  return { value, format: suffix === undefined ? { digits } : { digits, suffix } };
}

/** The results a statement template draws on: values by name, or nested groups of them. */
export interface Results {
  [name: string]: FactValue | Formatted | Results;
}

function isFormatted(v: FactValue | Formatted | Results): v is Formatted {
  return typeof v === 'object' && v !== null && 'value' in v && 'format' in v;
}

/** values[name], or the nested value at a dotted name ('rfc-later.flushes'); undefined if none. */
function lookup(values: Results, name: string): FactValue | Formatted | undefined {
  let v: FactValue | Formatted | Results | undefined = Object.hasOwn(values, name) ? values[name] : undefined;
  if (v === undefined) {
    v = values;
    for (const part of name.split('.')) {
      if (typeof v !== 'object' || isFormatted(v) || !Object.hasOwn(v, part)) return undefined;
      v = v[part];
    }
  }
  return typeof v === 'object' && !isFormatted(v) ? undefined : v;
}

/** `{name}` placeholders of a statement template (dotted names reach into nested results). */
const PLACEHOLDER = /\{([A-Za-z_][\w.-]*)\}/g;

export interface NotebookFactsFile {
  notebook: string;
  /** what the notebook's numbers were computed from (what a test needs to recompute them) */
  params: Record<string, unknown>;
  facts: Record<string, FactRecord>;
  /** the sentences shown in the notebook, each containing one or more fact texts */
  statements: string[];
  /** exported chart files, relative to the facts file's folder */
  charts: Array<{ name: string; svg: string; png: string }>;
}

export class NotebookFacts {
  readonly notebook: string;
  readonly params: Record<string, unknown>;
  readonly facts: Record<string, FactRecord> = {};
  readonly statements: string[] = [];
  /** exported charts: name and absolute file paths */
  private readonly chartFiles: Array<{ name: string; svg: string; png: string }> = [];

  constructor(notebook: string, params: Record<string, unknown> = {}) {
    this.notebook = notebook;
    this.params = params;
  }

  /** Record a computed value under `key` and return its text, for use in a statement. */
  fact(key: string, value: FactValue, format: FactFormat = {}): string {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new RangeError(`fact ${key}: ${value} is not a finite number`);
    const text = formatFact(value, format);
    const prev = this.facts[key];
    if (prev !== undefined && (prev.value !== value || prev.text !== text)) {
      throw new Error(`fact ${key} stated twice with different values (${prev.text}, ${text})`);
    }
    this.facts[key] = { value, format, text };
    return text;
  }

  /** Record a sentence as stated (show the returned text, e.g. with tslab.display.markdown). */
  state(sentence: string): string {
    this.statements.push(sentence);
    return sentence;
  }

  /**
   * State a Markdown sentence written as a template: each `{name}` is replaced by the text of
   * values[name] (a number, string or boolean, or percent()/fixed() for a format; `{a.b}` reaches
   * into a nested group of results), recorded as
   * the fact `GROUP.name` (or `name` when group is ''); leading and trailing white space is
   * dropped. Returns the sentence, for
   * tslab.display.markdown. A placeholder without a value throws.
   */
  say(group: string, values: Results, template: string): string {
    const sentence = template.trim().replace(PLACEHOLDER, (_m, name: string) => {
      const v = lookup(values, name);
      if (v === undefined) throw new Error(`statement placeholder {${name}} has no value`);
      const key = group === '' ? name : `${group}.${name}`;
      return isFormatted(v) ? this.fact(key, v.value, v.format) : this.fact(key, v);
    });
    return this.state(sentence);
  }

  /** exportChart() into `dir`, recorded; returns the file names (not paths). */
  async exportChart(dir: string, name: string, spec: object): Promise<{ svg: string; png: string }> {
    const files = await exportChart(dir, name, spec);
    const i = this.chartFiles.findIndex((c) => c.name === name);
    if (i >= 0) this.chartFiles.splice(i, 1);
    this.chartFiles.push({ name, svg: path.resolve(files.svg), png: path.resolve(files.png) });
    return { svg: path.basename(files.svg), png: path.basename(files.png) };
  }

  /** The exported charts, their paths relative to `dir` (default: the working directory), '/'-separated. */
  charts(dir = '.'): NotebookFactsFile['charts'] {
    const rel = (f: string) => path.relative(path.resolve(dir), f).split(path.sep).join('/');
    return this.chartFiles.map((c) => ({ name: c.name, svg: rel(c.svg), png: rel(c.png) }));
  }

  /** The facts file's content; chart paths relative to `dir` (default: the working directory). */
  toJSON(dir = '.'): NotebookFactsFile {
    return {
      notebook: this.notebook,
      params: this.params,
      facts: this.facts,
      statements: this.statements,
      charts: this.charts(dir),
    };
  }

  /** Write DIR/NOTEBOOK.facts.json (chart paths in it relative to DIR); returns the file name. */
  async write(dir: string): Promise<string> {
    makeDirs(dir);
    const name = `${this.notebook}.facts.json`;
    await writeFile(path.join(dir, name), `${JSON.stringify(this.toJSON(dir), null, 2)}\n`);
    return name;
  }
}
