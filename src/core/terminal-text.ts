import { stripVTControlCharacters } from 'node:util';

/** `scheme://user:password@` in a URL: whatever follows the scheme up to the `@` is a credential. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** C0 controls but tab and newline, DEL and C1 controls: what can move a cursor, clear a screen or ring a bell. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` with the credentials of any URL in it replaced by `***`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}

/**
 * Text from files, servers and errors made safe to print: URL credentials redacted, escape sequences and other
 * control characters removed (a model's name can hold a clear-screen or a window title), newlines and tabs kept.
 */
export function terminalSafe(text: string): string {
  return stripVTControlCharacters(redactUrlCredentials(text)).replace(CONTROL_CHARACTERS, '');
}
