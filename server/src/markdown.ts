// Dump text inside hover markdown. A process name, a socket path or a syscall name is whatever
// the traced program made it, and VS Code renders links in hovers: a process renamed to
// `[x](https://evil.example)` or a unix path holding a backtick must show as text, never as a
// link or markup. Every piece of dump text goes through one of these two functions.

// CommonMark lets any ASCII punctuation be escaped with a backslash. These are the ones that
// can start markup: brackets (links), `<` (autolinks, HTML), emphasis, code, and `:`, `.`
// and `@`, which break up the autolinks a renderer finds in plain text (`https://`, `www.`,
// `a@b.c`). Parentheses and dashes stay as they are: `uwsgi (20882)` reads the same.
const MARKDOWN_PUNCTUATION = /[\\`*_[\]<>!#|~{}&:@.]/g;
// Line breaks and other control characters would end a list item or a paragraph.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g;

/** Dump text as literal markdown text: `uwsgi`, or `\[x\]\(https\:\/\/evil\.example\)`. */
export function markdownText(text: string): string {
  return text.replace(CONTROL, '\uFFFD').replace(MARKDOWN_PUNCTUATION, '\\$&');
}

/**
 * Dump text as a code span, e.g. `` `ffff880108bcc440->ffff880108bcba80` ``: fenced with one
 * backtick more than the longest run of backticks inside it, so that none of them closes it.
 */
export function markdownCode(text: string): string {
  const plain = text.replace(CONTROL, '\uFFFD');
  let longest = 0;
  for (const run of plain.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick needs a space inside its fence (CommonMark strips one).
  const pad = plain.startsWith('`') || plain.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${plain}${pad}${fence}`;
}
