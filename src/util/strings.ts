/**
 * Small string helpers that several stages need. One copy each: the stages must order and compare
 * the same way, or a merged report stops matching the unsharded one; and every piece of outside text
 * printed anywhere is sanitised the same way.
 */

/** Code-unit order (not locale order): stable across machines and Node versions. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Levenshtein distance over UTF-16 code units (labels and short names: no grapheme subtlety needed). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// ───────────────────────────── sanitising outside text ─────────────────────────────
// Text from outside (data, labels, suite names, backend error bodies, a `cmd:` model's stderr) can
// carry terminal escapes: ESC[2J clears the screen, OSC sequences retitle the window or forge links.
// Everything such text reaches a terminal or a report through goes through one of these two.

// CSI (7- and 8-bit), OSC (BEL or ST terminated), DCS/SOS/PM/APC strings, and two-byte escapes.
const ANSI_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[PX^_][^\u001b]*\u001b\\|\u001b[@-Z\\-_]/g;
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Every control character but the newline and the tab, which lay out our own multi-line messages.
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u0085\u2028\u2029]/g;
// Bidi embeddings/overrides/isolates reorder what is displayed ("trojan source").
const BIDI_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes an untrusted string safe to print as one line: ANSI escape sequences and
 * other control characters are removed, line breaks and tabs become spaces, bidi
 * overrides are dropped and lone surrogates become U+FFFD. For quoted outside text.
 */
export function stripControls(value: unknown): string {
  return String(value)
    .replace(ANSI_SEQUENCE, '')
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROL, '')
    .replace(BIDI_OVERRIDE, '')
    .replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Like `stripControls`, but keeps newlines and tabs (CRLF becomes LF): for a whole message of ours
 * that embeds outside text, such as an error naming a backend's answer, printed as several lines.
 */
export function stripControlsKeepLines(value: unknown): string {
  return String(value)
    .replace(ANSI_SEQUENCE, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_BUT_LAYOUT, '')
    .replace(BIDI_OVERRIDE, '')
    .replace(LONE_SURROGATE, '\ufffd');
}
