/**
 * An argument as a POSIX shell reads it back: bare when safe, else in double quotes (which read
 * well inside a message's single quotes), or single quotes when it holds what double quotes expand.
 */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return /["$`\\!]/.test(arg) ? `'${arg.replace(/'/g, `'\\''`)}'` : `"${arg}"`;
}
