import type { Activations } from '../../shared/training/activations';
import { layerActivations } from './layer-insight';
import { loadRunExample, type ExampleRequest } from './run-example';

/** What to run through the network: a test example by index, or a given input. */
export type ActivationsRequest = ExampleRequest;

/**
 * Every layer's output for one example with a run's saved model: a test example
 * (loaded with the run's own data settings) or an input preprocessed as in training.
 */
export async function activationsWithRun(runDir: string, request: ActivationsRequest): Promise<Activations> {
  const ex = await loadRunExample(runDir, request);
  try {
    return {
      sampleIndex: ex.sampleIndex,
      sample: ex.sample,
      label: ex.label?.name ?? null,
      testSize: ex.testSize,
      layers: layerActivations(ex.model, ex.x, ex.shape, ex.dtype),
    };
  } finally {
    ex.model.dispose();
  }
}
