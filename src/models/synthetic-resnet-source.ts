import { DEFAULT_SYNTHETIC_RESNET50, syntheticResnetSteps, type SyntheticResnetConfig } from './synthetic-resnet.js';
import { resnetComputeBytes } from './synthetic-compute.js';
import { SyntheticModelSource, definedOnly } from './synthetic-source.js';

/**
 * A ResNet-50-shaped image classifier (torchvision's bottleneck architecture) with random weights.
 * Its input has free height and width, so it takes the workshop's 256 px images or any other size.
 */
export class SyntheticResnetSource extends SyntheticModelSource<Required<SyntheticResnetConfig>> {
  constructor(config: Partial<SyntheticResnetConfig> = {}, id = 'synthetic:resnet50') {
    const resolved = { ...DEFAULT_SYNTHETIC_RESNET50, ...definedOnly(config) };
    super({
      id,
      fileStem: 'synthetic-resnet',
      config: resolved,
      steps: syntheticResnetSteps,
      name: `synthetic-resnet (blocks ${resolved.blocks.join('-')}, width ${resolved.baseWidth}, ${resolved.numClasses} classes, random weights)`,
      task: 'image',
      computeBytes: resnetComputeBytes(resolved),
    });
  }
}
