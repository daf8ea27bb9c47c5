/**
 * Run config files: JSON or YAML text -> plain data -> a validated RunConfig, every problem
 * named by file:line:column or by field.
 */
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { formatOfPath, parseDataText, readInputFile } from './load.js';
import { parseRunConfig } from './parse.js';
import type { RunConfig } from './types.js';

/** Parse JSON or YAML text into a plain value; problems become a ConfigError naming file:line:col. */
export function parseConfigText(text: string, file: string, format: 'json' | 'yaml'): unknown {
  const parsed = parseDataText(text, format);
  if (parsed.ok) return parsed.value;
  const kind = format === 'json' ? 'JSON' : 'YAML';
  throw new ConfigError(
    file,
    parsed.problems.map((p) =>
      p.line === undefined
        ? `${file}: invalid ${kind}: ${p.message}`
        : `${file}:${p.line}:${p.column}: invalid ${kind}: ${p.message}`,
    ),
  );
}

/**
 * Load a run config from a .json, .yaml or .yml file. A relative workload path (ops, ftrace) is
 * taken from the config file's folder.
 */
export function loadRunConfig(path: string): RunConfig {
  const format = formatOfPath(path);
  if (format === null) {
    const ext = extname(path).toLowerCase();
    throw new ConfigError(path, [`${path}: unsupported config file type "${ext}" (use .json, .yaml or .yml)`]);
  }
  const read = readInputFile(path);
  if (!read.ok) throw new ConfigError(path, [`${path}: cannot read the file (${read.why})`]);
  const raw = parseConfigText(read.text, path, format);
  const config = parseRunConfig(raw, path);
  const w = config.workload;
  if ((w.kind === 'ops' || w.kind === 'ftrace') && !isAbsolute(w.path)) {
    w.path = resolve(dirname(path), w.path);
  }
  return config;
}
