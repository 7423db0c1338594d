// Telegram HTML sanity checks shared by the card and bot tests.
/** Telegram HTML sanity: only the tags we use, properly nested and closed. */
export function assertWellFormedHtml(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    const [, close, tag] = m;
    if (!['b', 'i', 'u', 's', 'code', 'pre', 'blockquote', 'a'].includes(tag!)) throw new Error(`unexpected tag <${tag}> in ${html}`);
    if (close) {
      if (stack.pop() !== tag) throw new Error(`misnested </${tag}> in ${html}`);
    } else stack.push(tag!);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}> in ${html}`);
  // No bare & that is not an entity, no stray < or >.
  const text = html.replace(/<\/?[a-z]+[^>]*>/g, '');
  if (/[<>]/.test(text)) throw new Error(`unescaped < or > in ${html}`);
  if (/&(?!amp;|lt;|gt;|quot;)/.test(text)) throw new Error(`unescaped & in ${html}`);
}
