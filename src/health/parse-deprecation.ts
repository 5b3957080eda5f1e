/**
 * The deprecation message of a go.mod, by go's rule
 * (golang.org/x/mod/modfile parseDeprecation / parseDirectiveComment): the
 * comments attached to the `module` directive are the whole-line `//`
 * comments directly above it (no blank line between) plus its end-of-line
 * comment; inside a `module ( … )` block with no comments of its own, the
 * block's. Each comment loses its `//` and surrounding spaces, the lines are
 * joined with "\n", and a paragraph that starts with "Deprecated:" (case
 * sensitive) holds the message, up to the paragraph's end.
 */

const DEPRECATED = /(?:^|\n\n)Deprecated: *([\s\S]*?)(?:$|\n\n)/;

function commentText(line: string): string | undefined {
  const t = line.trim();
  return t.startsWith('//') ? t.slice(2).trim() : undefined;
}

function suffixComment(line: string): string | undefined {
  // The first "//" outside a quoted string starts the end-of-line comment.
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return line.slice(i + 2).trim();
  }
  return undefined;
}

/** Comments directly above line index `at` (whole-line `//` comments, stopping at a blank or any other line). */
function commentsAbove(lines: readonly string[], at: number): string[] {
  const out: string[] = [];
  for (let i = at - 1; i >= 0; i--) {
    const c = commentText(lines[i] ?? '');
    if (c === undefined) break;
    out.unshift(c);
  }
  return out;
}

/** The text after "Deprecated:" of the go.mod's module comment, or undefined when the module is not deprecated. */
export function parseDeprecation(goMod: string): string | undefined {
  const lines = goMod.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const code = raw.trim();
    if (!/^module(?:\s|\(|$)/.test(code)) continue;
    let comments: string[];
    const rest = code.slice('module'.length).trim();
    if (rest.startsWith('(')) {
      // module ( path ): the inner line's comments, else the block's.
      const inner: string[] = [];
      let j = i + 1;
      while (j < lines.length && (lines[j] ?? '').trim() !== ')' && !(lines[j] ?? '').trim().startsWith(')')) {
        const t = (lines[j] ?? '').trim();
        if (t !== '' && commentText(t) === undefined) {
          inner.push(...commentsAbove(lines, j));
          const s = suffixComment(t);
          if (s !== undefined) inner.push(s);
          break;
        }
        j++;
      }
      comments = inner.length > 0 ? inner : [...commentsAbove(lines, i), ...(suffixComment(rest) !== undefined ? [suffixComment(rest) as string] : [])];
    } else {
      const s = suffixComment(raw);
      comments = [...commentsAbove(lines, i), ...(s !== undefined ? [s] : [])];
    }
    const m = DEPRECATED.exec(comments.join('\n'));
    // go: an empty message is no deprecation (CheckDeprecation returns "").
    return m?.[1] ? m[1] : undefined;
  }
  return undefined;
}
