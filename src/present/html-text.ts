// A Telegram HTML message shown in a terminal (npm run demo prints what the bot sends through the emulator).

/** Telegram HTML as terminal text: bold kept (on a terminal), quotes indented, other tags dropped, entities decoded. */
export function htmlToTerminal(html: string, tty: boolean): string {
  return html
    .replace(/<b>/g, tty ? '\x1b[1m' : '【')
    .replace(/<\/b>/g, tty ? '\x1b[22m' : '】')
    .replace(/<blockquote>/g, '  ')
    .replace(/<\/?[a-z][^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
