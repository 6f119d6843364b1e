import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/core/random.js';
import { fifo, fixedBatchBert, smallBert, writeSmallBertFile } from './case-files.js';
import type { FaultCase } from './fault-case.js';

/** `inferbench run -m <model>` refused with `line`, after the progress lines given. */
const broken = (name: string, model: string, setup: ((dir: string) => void) | undefined, line: RegExp, progress = ['resolving model'], more: readonly string[] = []): FaultCase => ({
  family: 'models',
  name,
  args: ['run', '-m', model, ...more, '--cache-dir', 'cache'],
  ...(setup ? { setup } : {}),
  expect: { exitCode: 2, progress, line },
});

const NOT_LOADABLE = 'is not an ONNX model that onnxruntime can load';

/** Models that are not, cannot be read, or do not fit what was asked. */
export const MODEL_CASES: readonly FaultCase[] = [
  broken('an empty file', 'empty.onnx', (dir) => writeFileSync(join(dir, 'empty.onnx'), ''), new RegExp(`^inferbench: <dir>/empty\\.onnx ${NOT_LOADABLE} \\(.+\\); pass an \\.onnx file$`)),
  broken(
    'a truncated ONNX file',
    'truncated.onnx',
    (dir) => {
      const whole = readFileSync(writeSmallBertFile(dir));
      writeFileSync(join(dir, 'truncated.onnx'), whole.subarray(0, whole.byteLength / 2));
    },
    new RegExp(`^inferbench: <dir>/truncated\\.onnx ${NOT_LOADABLE} \\(.+\\); pass an \\.onnx file$`),
  ),
  broken(
    'random bytes',
    'random.onnx',
    (dir) => {
      const random = seededRandom(1);
      writeFileSync(join(dir, 'random.onnx'), Buffer.from(Array.from({ length: 4096 }, () => random.int(0, 255))));
    },
    new RegExp(`^inferbench: <dir>/random\\.onnx ${NOT_LOADABLE} \\(.+\\); pass an \\.onnx file$`),
  ),
  broken('a text file named .onnx', 'readme.onnx', (dir) => writeFileSync(join(dir, 'readme.onnx'), '# not a model\n'), new RegExp(`readme\\.onnx ${NOT_LOADABLE}`)),
  broken(
    'a folder without a model',
    'folder.onnx',
    (dir) => mkdirSync(join(dir, 'folder.onnx')),
    /^inferbench: <dir>\/folder\.onnx holds neither model\.onnx, onnx\/model\.onnx nor config\.json with model\.safetensors; export the model with optimum-cli export onnx, or pass the \.onnx file itself$/,
  ),
  broken('a FIFO', 'pipe', (dir) => fifo(dir, 'pipe'), /^inferbench: model file .*pipe is a FIFO; pass the path of an \.onnx file$/),
  broken(
    'a symlink loop',
    '<dir>/loop.onnx',
    (dir) => symlinkSync(join(dir, 'loop.onnx'), join(dir, 'loop.onnx')),
    /^inferbench: model '<dir>\/loop\.onnx' cannot be read \(ELOOP: too many symbolic links encountered.*\); pass an \.onnx file/,
    [],
  ),
  broken('a missing path', '<dir>/missing.onnx', undefined, /^inferbench: model file <dir>\/missing\.onnx cannot be read \(no such file\); pass the path of an \.onnx file/),
  broken('a spec that is nothing known', 'no such model!', undefined, /^inferbench: model 'no such model!' is neither a file, a directory, a built-in model nor a Hugging Face repo id/, []),
  broken('an unknown built-in model', 'synthetic:gpt9', undefined, /unknown built-in model 'synthetic:gpt9'/, []),
  broken('a text model without a tokenizer', 'small-bert.onnx', smallBert, /^inferbench: small-bert\.onnx is a text model without a tokenizer; pass --tokenizer/, ['resolving model', 'preparing inputs']),
  broken(
    'a batch dimension fixed at 3, run with -b 7',
    'fixed-batch-3.onnx',
    fixedBatchBert,
    /^inferbench: fixed-batch-3\.onnx's input 'input_ids' \[3, sequence_length\] has a fixed batch dimension of 3, so the batch size cannot be 7; set batchSize \(--batch-size\) to 3$/,
    ['resolving model'],
    ['--tokenizer', 'bert-base-uncased', '-b', '7'],
  ),
];
