import { defineCommand, type ArgsDef } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { detectHardware } from '../hardware/detect-hardware.js';
import { formatHardwareReport } from '../reporters/hardware-report.js';
import { assertKnownFlags } from './_flags.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { ioOf } from './cli-io.js';
import { terminalSafe } from '../core/terminal-text.js';

export const envArgs = {
  json: { type: 'boolean', description: 'Print the hardware as JSON on stdout' },
} as const satisfies ArgsDef;

/** `inferbench env`: what this machine offers for inference: CPU, GPUs, Neuron devices, ORT providers, Python. */
export const envCommand = defineCommand({
  meta: { name: 'env', description: 'Show the CPU, NVIDIA GPUs, Neuron devices, ONNX Runtime providers and Python/PyTorch this machine has' },
  args: envArgs,
  async run(context) {
    const { args, rawArgs } = context;
    const io = ioOf(context);
    assertKnownFlags('env', rawArgs, envArgs);
    if (args._.length > 0) {
      throw new InferbenchError('INVALID_OPTION', `unexpected argument '${args._[0]}'; 'inferbench env' takes only --json`);
    }
    const info = await abortOnSigint((signal) => detectHardware({ env: io.env, signal }));
    // null rather than a missing key for what is absent, so that readers see every field.
    const json = (): string => JSON.stringify(info, (_key, value: unknown) => value ?? null, 2);
    io.stdout.write(`${args.json ? json() : terminalSafe(formatHardwareReport(info))}\n`);
  },
});
