/**
 * Text from files and users, made safe to print on a terminal: C0 and C1 control characters
 * (ESC, CR, BEL, ...) and DEL are shown as \xHH instead of being sent raw, so a sweep name or a
 * field value cannot move the cursor, retitle the window or hide earlier output. Newlines and tabs
 * are kept unless `oneLine` is set.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_ONE_LINE = /[\x00-\x1f\x7f-\x9f]/g;

const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

export function printable(text: string, options: { oneLine?: boolean } = {}): string {
  return text.replace(options.oneLine === true ? CONTROL_ONE_LINE : CONTROL, hex);
}
