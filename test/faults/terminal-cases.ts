import { textExport } from './case-files.js';
import type { FaultCase } from './fault-case.js';

// The runner refuses any control character in what a case prints; these cases bring some in.

/** Text from files and servers that would drive the terminal, and credentials that must never be printed. */
export const TERMINAL_CASES: readonly FaultCase[] = [
  {
    family: 'terminal',
    name: "an export's config.json name holding escape sequences",
    args: ['run', '-m', 'export', '--sequence-length', '100', '--cache-dir', 'cache'],
    setup: (dir) => textExport(dir, 'export', { _name_or_path: 'evil\u001b]0;pwned\u0007\u001b[2J-bert', max_position_embeddings: 64 }),
    expect: {
      exitCode: 2,
      progress: ['resolving model'],
      line: /^inferbench: evil-bert takes at most 64 tokens \(its position table\), so the sequence length cannot be 100; set sequenceLength \(--sequence-length\) to 64 or less$/,
    },
  },
  {
    family: 'terminal',
    name: 'a model path holding an escape sequence',
    args: ['run', '-m', '<dir>/missing\u001b]0;pwned\u0007.onnx'],
    expect: { exitCode: 2, progress: ['resolving model'], line: /^inferbench: model file <dir>\/missing\.onnx cannot be read/ },
  },
  {
    family: 'terminal',
    name: 'HF_ENDPOINT holding a password',
    args: ['run', '-m', 'acme/tiny-bert', '--cache-dir', 'cache'],
    env: { HF_ENDPOINT: 'http://user:pw-s3cret@127.0.0.1:9' },
    expect: {
      exitCode: 2,
      line: /^inferbench: HF_ENDPOINT must not hold credentials, got "http:\/\/\*\*\*@127\.0\.0\.1:9"; give the token in HF_TOKEN instead$/,
    },
  },
];
