/**
 * Text made safe for an HTML page: element content and attributes, JSON and library code inside
 * <script> elements, and the cells of a report's tables. (No vega here: the notebook helpers
 * import this module without loading the renderer.)
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that is safe inside a <script> element: no '<', '>' or '&' can end the element or open a
 * comment, and U+2028/U+2029 are escaped too. JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Library code inlined in a <script>: neutralise any '</script' or '<!--' (in strings or regexps). */
export function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fractionFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/**
 * Table cell text: integers exactly (with thousands separators), other numbers to 6 significant
 * digits, null/undefined empty, dates as ISO 8601, objects as JSON.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? integerFormat.format(value) : fractionFormat.format(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}
