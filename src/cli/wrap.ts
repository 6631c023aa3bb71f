/**
 * Word wrap for the CLI's own listings (`tailcheck perturbations`): plain text of ours, so a code point
 * is a column. Kept out of the terminal report renderer so a listing loads nothing heavy.
 */

/** Columns of a listing: the terminal's width, 80 when stdout is not a terminal (a pipe, a file). */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns ? stream.columns : 80;
}

const columns = (text: string): number => [...text].length;

/**
 * `text` greedily wrapped to `width` columns, the first line after `first` and the others after
 * `rest` (a hanging indent). A word longer than a line is cut rather than overflow it.
 */
export function wrapText(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let prefix = first;
  let line = '';
  const room = () => Math.max(1, width - columns(prefix));
  const flush = () => {
    lines.push(`${prefix}${line}`.trimEnd());
    prefix = rest;
    line = '';
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    if (line && columns(`${line} ${w}`) > room()) flush();
    while (columns(w) > room()) {
      if (line) flush();
      const chars = [...w];
      line = chars.slice(0, room()).join('');
      w = chars.slice(room()).join('');
      flush();
    }
    if (w) line = line ? `${line} ${w}` : w;
  }
  if (line || lines.length === 0) flush();
  return lines;
}
