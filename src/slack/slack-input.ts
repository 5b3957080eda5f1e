/**
 * What a person typed, from the text Slack delivers (slash commands with
 * `should_escape: true`, app_mention events). Slack escapes `&`, `<`, `>` as
 * entities and wraps what it recognised in angle brackets:
 *
 *   <https://x/y>  <https://x/y|label>  → https://x/y   (the URL, not the label)
 *   <mailto:a@b.c|a@b.c>                 → a@b.c
 *   <@U123> <@U123|ann>                  → <@U123>       (the parser reads users in this form)
 *   <#C123|ops> <#C123>                  → <#C123>       (a channel, by id)
 *   <!here> <!channel> <!subteam^S1|@sre> → @here @channel @sre
 *   &lt; &gt; &amp;                      → < > &
 *
 * Real `<` and `>` only occur in Slack's text as these brackets, so the
 * brackets are read first and the entities decoded after: `&lt;@U1&gt;`
 * typed by a person stays the text "<@U1>" and is not taken for a mention.
 */

const BRACKET = /<([^<>]*)>/g;

/** &lt; &gt; &amp; (and the numeric forms Slack may use) → characters. */
export function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#39|#x27);/g, (_, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", '#x27': "'" })[name] ?? '');
}

function bracket(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : '';
  if (/^@[UW][A-Z0-9]+$/.test(target)) return `<${target}>`;
  if (/^#[CG][A-Z0-9]+$/.test(target)) return `<${target}>`;
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (special.startsWith('subteam^')) return label ? decodeEntities(label.startsWith('@') ? label : `@${label}`) : `@${special.slice('subteam^'.length)}`;
    if (special.startsWith('date^')) return decodeEntities(label || special);
    return `@${special}`;
  }
  if (target.startsWith('mailto:')) return decodeEntities(target.slice('mailto:'.length));
  // a link: the URL is what was typed (the label is Slack's shortening of it)
  return decodeEntities(target || label);
}

/** Slack's escaped message text → the text as typed (users and channels kept as <@U…> / <#C…>). */
export function slackInputText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(BRACKET)) {
    out += decodeEntities(text.slice(last, m.index)) + bracket(m[1] ?? '');
    last = m.index + m[0].length;
  }
  return out + decodeEntities(text.slice(last));
}
