import { describe, expect, it } from 'vitest';
import { redactUrlCredentials, terminalSafe } from '../src/core/terminal-text.js';
import { resolveHubSettings } from '../src/models/hub/hub-settings.js';

// How the CLI's lines come out of hostile text: cases of the fault catalogue's terminal family (test/faults/).
describe('text printed to a terminal', () => {
  it('has the credentials of URLs redacted', () => {
    expect(redactUrlCredentials('no answer from http://user:s3cret@hub.local:8080/x and https://token@h/y')).toBe('no answer from http://***@hub.local:8080/x and https://***@h/y');
    expect(redactUrlCredentials('plain http://hub.local/x, a@b.c')).toBe('plain http://hub.local/x, a@b.c');
  });

  it('loses escape sequences and control characters, and keeps newlines, tabs and other scripts', () => {
    const hostile = 'model\u001b[2J\u001b]0;pwned\u0007 name\u0000\u009b31m\r\nnext\tcol — 模型';
    expect(terminalSafe(hostile)).toBe('model name\nnext\tcol — 模型');
  });

  it('never holds a hub password: an endpoint with credentials is refused, redacted', () => {
    expect(() => resolveHubSettings({}, { HF_ENDPOINT: 'http://user:s3cret@127.0.0.1:9' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: 'HF_ENDPOINT must not hold credentials, got "http://***@127.0.0.1:9"; give the token in HF_TOKEN instead' }),
    );
    expect(() => resolveHubSettings({ endpoint: 'ftp://user:s3cret@host' }, {})).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }));
  });
});
