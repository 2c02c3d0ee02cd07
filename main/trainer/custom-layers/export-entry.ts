import * as tf from '@tensorflow/tfjs';
import { CUSTOM_ACTIVATIONS } from './activations';
import { CUSTOM_LAYER_CLASSES } from './index';

/**
 * The entry of the generated netwright-layers.js (scripts/build-layers.mjs bundles it with
 * esbuild, TF.js external): the trainer's own custom layer and activation classes, registered
 * with the TF.js the exported file is given. Returns the class names it registered.
 */
export function registerExportedLayers(): string[] {
  const names: string[] = [];
  for (const cls of [...CUSTOM_LAYER_CLASSES, ...CUSTOM_ACTIVATIONS]) {
    tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
    names.push(cls.className);
  }
  return names;
}
