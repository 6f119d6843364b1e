import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishSteps } from '../src/core/steps.js';
import { readHfCheckpoint } from '../src/models/weights/hf-checkpoint.js';
import { resnetFromCheckpoint } from '../src/models/weights/resnet-checkpoint.js';
import { decodeModel } from '../src/onnx/onnx-proto.js';
import { runForResult } from './helpers/cli.js';
import { startFakeHub } from './helpers/fake-hub.js';
import { DEBIAN_PYTHON, debianPythonHas } from './helpers/debian-python.js';
import { tempDir } from './helpers/fixtures.js';

const SCRIPT = new URL('./fixtures/hf/resnet_checkpoint.py', import.meta.url).pathname;
const hasTorchvision = debianPythonHas('torch', 'torchvision');

interface Reference {
  /** The images, NCHW, flattened. */
  readonly images: number[];
  readonly dims: number[];
  readonly logits: number[][];
}

/** The largest difference between the logits the graph computes from `dir`'s reference images and torchvision's. */
async function worstDifference(dir: string, model: Uint8Array): Promise<number> {
  const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(reference.images), reference.dims) });
  await session.release();
  const logits = Array.from(out.logits!.data as Float32Array);
  const expected = reference.logits.flat();
  expect(out.logits!.dims).toEqual([reference.logits.length, reference.logits[0]!.length]);
  return Math.max(...logits.map((value, i) => Math.abs(value - expected[i]!)));
}

describe.skipIf(!hasTorchvision && !process.env.CI)('a ResNet checkpoint in the Hugging Face layout', () => {
  const root = tempDir();
  const [bottleneck, basic] = [join(root, 'bottleneck'), join(root, 'basic')];
  beforeAll(() => {
    // Weights from torchvision's own ResNet (one block a stage, BatchNorm statistics far from 0 and 1), and its logits.
    for (const dir of [bottleneck, basic]) mkdirSync(dir);
    execFileSync(DEBIAN_PYTHON, [SCRIPT, bottleneck, basic]);
  }, 60_000);

  it("builds a bottleneck ResNet (ResNet-50's blocks) from its real weights, which gives torchvision's logits within 1e-4", async () => {
    const built = await resnetFromCheckpoint(await readHfCheckpoint(bottleneck));
    expect(built.shape).toMatchObject({ layerType: 'bottleneck', stemWidth: 64, stageWidths: [256, 512, 1024, 2048], depths: [1, 1, 1, 1], numClasses: 5, foldBatchNorm: false });
    expect(built.imageSize).toBeUndefined();
    const model = finishSteps(built.steps);
    const ops = decodeModel(model).graph.node.map((node) => node.opType);
    // Stem, 3 convs a block, a projection shortcut in each stage's first block; BatchNormalization kept with its running statistics.
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(1 + 3 * 4 + 4);
    expect(ops.filter((op) => op === 'BatchNormalization')).toHaveLength(1 + 3 * 4 + 4);
    expect(await worstDifference(bottleneck, model)).toBeLessThan(1e-4);
  });

  it("builds a basic-block ResNet (ResNet-18's blocks) too, within 1e-4 of torchvision's logits", async () => {
    const built = await resnetFromCheckpoint(await readHfCheckpoint(basic));
    expect(built.shape).toMatchObject({ layerType: 'basic', stageWidths: [64, 128, 256, 512] });
    expect(await worstDifference(basic, finishSteps(built.steps))).toBeLessThan(1e-4);
  });

  it('takes the image size it was trained on from preprocessor_config.json when the folder has one', async () => {
    const other = tempDir();
    writeFileSync(join(other, 'config.json'), readFileSync(join(basic, 'config.json')));
    writeFileSync(join(other, 'model.safetensors'), readFileSync(join(basic, 'model.safetensors')));
    // microsoft/resnet-50's: resize to 224 / 0.875 and crop 224.
    writeFileSync(join(other, 'preprocessor_config.json'), JSON.stringify({ crop_pct: 0.875, size: 224 }));
    expect((await resnetFromCheckpoint(await readHfCheckpoint(other))).imageSize).toBe(224);
  });

  it('refuses hidden_sizes that disagree with the weights, naming the file and the tensor', async () => {
    const config = JSON.parse(readFileSync(join(bottleneck, 'config.json'), 'utf8')) as Record<string, unknown>;
    const other = tempDir();
    writeFileSync(join(other, 'config.json'), JSON.stringify({ ...config, hidden_sizes: [128, 512, 1024, 2048] }));
    writeFileSync(join(other, 'model.safetensors'), readFileSync(join(bottleneck, 'model.safetensors')));
    const message = `${join(other, 'model.safetensors')}: tensor resnet.encoder.stages.0.layers.0.shortcut.convolution.weight is [256, 64, 1, 1], but config.json makes it [128, 64, 1, 1]; the weights and config.json disagree`;
    await expect(resnetFromCheckpoint(await readHfCheckpoint(other))).rejects.toMatchObject({ code: 'MODEL_INVALID', message });
  });

  it("runs from a hub repository with its preprocessor config, on Node alone, named with its commit, and gives torchvision's logits", async () => {
    const commit = 'fe'.repeat(20);
    const hub = await startFakeHub({
      repos: [
        {
          id: 'org/tiny-resnet',
          commit,
          files: [
            // The basic-block model: a third of the bottleneck one's bytes to serve, hash and build.
            { path: 'config.json', content: readFileSync(join(basic, 'config.json'), 'utf8') },
            { path: 'model.safetensors', content: readFileSync(join(basic, 'model.safetensors')), lfs: true },
            { path: 'preprocessor_config.json', content: JSON.stringify({ size: { shortest_edge: 64 }, image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] }) },
          ],
        },
      ],
    });
    const cacheDir = tempDir();
    const { exitCode, errorLines, result } = await runForResult(['-m', 'org/tiny-resnet', '-n', '6', '-b', '2', '--copies', '1', '--cache-dir', cacheDir], { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(cacheDir, 'hub') });
    expect([exitCode, errorLines]).toEqual([0, []]);
    expect(result!.model).toMatchObject({ synthetic: false, name: `org/tiny-resnet at commit ${commit.slice(0, 12)} (graph built from its safetensors weights)` });
    // The preprocessor's side, not the default 224.
    expect(result!.compile.dimensions).toMatchObject({ batch_size: 2 });
    expect(result!.inputs.description).toMatch(/64/);
    expect(result!.measurement.completedRequests).toBe(6);
    // The graph it built from the downloaded copy, the one it measured, gives torchvision's logits on the same images.
    const built = readdirSync(join(cacheDir, 'models')).filter((file) => /^resnet-weights-\w+\.onnx$/.test(file));
    expect(built).toHaveLength(1);
    expect(await worstDifference(basic, readFileSync(join(cacheDir, 'models', built[0]!)))).toBeLessThan(1e-4);
  });
});
