/**
 * Bad input, as one class the CLI recognises: a file, a config field or an argument the user
 * got wrong. The CLI prints `message` (and each issue on its own line, once) and exits with
 * status 2, with no stack trace.
 *
 * It lives in util, the lowest layer, so every layer's bad-input error (util's unsafe file and
 * locked folder included) extends it and the CLI tells bad input from bugs by class alone.
 */
export interface InputWhere {
  /** The file (or `preset NAME`, `-` for stdin) the input came from. */
  file?: string | undefined;
  /** 1-based line in that file. */
  line?: number | undefined;
  /** 1-based column in that line. */
  column?: number | undefined;
  /** Dotted config field (`mermap.regionPages`) or option (`--cpus`). */
  field?: string | undefined;
}

export class InputError extends Error {
  /** CLI exit status for bad input. */
  readonly exitCode: number = 2;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;
  /** Every problem, one line each, without duplicates (empty when the message says it all). */
  readonly issues: string[];
  constructor(message: string, where: InputWhere = {}, issues: readonly string[] = []) {
    super(message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.field = where.field;
    this.issues = uniqueLines(issues);
  }
}

/** Bad input at one line of a file (a trace, an op script): `file:line: detail`. */
export class InputLineError extends InputError {
  constructor(
    file: string,
    line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`, { file, line });
    this.name = 'InputLineError';
  }
}

/** The lines in order, each once. */
export function uniqueLines(lines: readonly string[]): string[] {
  return [...new Set(lines)];
}
