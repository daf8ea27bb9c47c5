/**
 * Reading JSON and YAML input files, shared by run configs and sweep specs so both find the same
 * problems (syntax with line:column, duplicate keys, YAML alias bombs, absurd nesting) and neither
 * can crash on them. Each caller words the problems in its own error.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { MAX_NESTING, shortPath, tooDeepAt } from './depth.js';
import { codeText } from '../util/errno-text.js';
import { locateJsonError } from './json-scan.js';

export type DataFormat = 'json' | 'yaml';

export interface TextProblem {
  /** 1-based, when the problem has a place in the text */
  line?: number;
  column?: number;
  message: string;
}

export type TextParse = { ok: true; value: unknown } | { ok: false; problems: TextProblem[] };

/**
 * Most alias expansions a YAML file may make (the yaml library's own default, made explicit): a
 * few anchors expanding into each other ("billion laughs") would otherwise take all the memory.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * Most bytes a run config or sweep spec may be: 16 MiB. The largest written by hand are a few
 * KiB; a size table of 2^18 entries (every page count a get may ask for, with its weight) fits in
 * about 4 MiB of YAML. Past it the file is refused before it is read whole (a FIFO or a device
 * such as /dev/zero included), as the parsed form takes several times its size in memory.
 */
export const MAX_INPUT_FILE_BYTES = 16 * 2 ** 20;

/** The 1-based line and column of an offset. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** The format a file's extension names, or null: .json is JSON, .yaml and .yml YAML. */
export function formatOfPath(path: string): DataFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : null;
}

function tooDeep(path: string): string {
  return `nests deeper than ${MAX_NESTING} levels (at ${shortPath(path)})`;
}

function parseJson(text: string): TextParse {
  const where = locateJsonError(text);
  if (where !== null) {
    const { line, col } = lineColAt(text, where.offset);
    return { ok: false, problems: [{ line, column: col, message: where.message }] };
  }
  return { ok: true, value: JSON.parse(text) as unknown };
}

function parseYamlText(text: string): TextParse {
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    if (e instanceof RangeError)
      return { ok: false, problems: [{ message: `nests deeper than ${MAX_NESTING} levels` }] };
    throw e;
  }
  // the yaml library catches its own stack overflow on deep nesting and reports it once per level
  if (doc.errors.some((err) => /call stack/i.test(err.message))) {
    return { ok: false, problems: [{ message: `nests deeper than ${MAX_NESTING} levels` }] };
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((err) => {
        const { line, col } = lineColAt(text, err.pos[0]);
        return { line, column: col, message: err.message };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown;
  } catch (e) {
    if (e instanceof ReferenceError) {
      // the yaml library's words for a bomb: "Excessive alias count indicates a resource exhaustion attack"
      const bomb = /excessive alias count/i.test(e.message);
      const message = bomb ? `aliases expand more than ${MAX_YAML_ALIASES} times (a YAML alias bomb?)` : e.message;
      return { ok: false, problems: [{ message }] };
    }
    if (e instanceof RangeError)
      return { ok: false, problems: [{ message: `nests deeper than ${MAX_NESTING} levels` }] };
    throw e;
  }
  const deep = tooDeepAt(value);
  if (deep !== null) return { ok: false, problems: [{ message: tooDeep(deep) }] };
  return { ok: true, value };
}

/** Parse JSON or YAML text into plain data, or say what is wrong with it (and where). */
export function parseDataText(text: string, format: DataFormat): TextParse {
  return format === 'json' ? parseJson(text) : parseYamlText(text);
}

/**
 * A file's text, or why it could not be read: its error code in words ("ENOENT: no such file or
 * folder"), or its size past MAX_INPUT_FILE_BYTES.
 */
export function readInputFile(path: string): { ok: true; text: string } | { ok: false; why: string } {
  const tooBig = `larger than ${MAX_INPUT_FILE_BYTES / 2 ** 20} MiB, the most a config or sweep spec may be`;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isFile() && st.size > MAX_INPUT_FILE_BYTES) return { ok: false, why: tooBig };
    // read to the end or one chunk past the bound: a file that grew, a FIFO or a device stops there
    const chunks: Buffer[] = [];
    let n = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 16);
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      n += got;
      if (n > MAX_INPUT_FILE_BYTES) return { ok: false, why: tooBig };
    }
    return { ok: true, text: Buffer.concat(chunks, n).toString('utf8') };
  } catch (e) {
    return { ok: false, why: codeText((e as NodeJS.ErrnoException).code ?? 'error') };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
