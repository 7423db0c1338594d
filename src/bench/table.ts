// Plain Markdown tables: readable in a terminal and in docs/ alike.

export type Cell = string | number;

/** A Markdown table with columns padded to the same width (by characters; CJK text is rare here). */
export function markdownTable(header: readonly Cell[], rows: readonly (readonly Cell[])[]): string {
  const all = [header, ...rows].map((r) => r.map((c) => String(c).replace(/\|/g, '\\|')));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: string[]) => `| ${r.map((c, i) => c + ' '.repeat(widths[i]! - displayWidth(c))).join(' | ')} |`;
  return [line(all[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...all.slice(1).map(line)].join('\n');
}

/** Terminal columns a string takes: wide (CJK) characters count twice. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

export const ms = (x: number, digits = 1) => (Number.isFinite(x) ? `${x.toFixed(digits)} ms` : '–');
export const sec = (x: number, digits = 1) => (Number.isFinite(x) ? `${x.toFixed(digits)} s` : '–');
export const mib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : '–');
export const count = (n: number) => n.toLocaleString('en-US');
