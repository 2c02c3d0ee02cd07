import * as tf from '@tensorflow/tfjs';
import type { Initializer } from './tensor-math';

/**
 * Initializers and regularizers of custom layers, given the way specs and
 * model.json files give them: an initializer name (`glorotUniform`), or a
 * serialized Keras object `{className, config}`. Layers keep the identifier
 * they were given and write it back in getConfig, so a config round-trips.
 */
export type WeightOption = string | { readonly className: string; readonly config?: Record<string, unknown> } | null | undefined;

type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;

function fromRegistry<T>(option: { className: string; config?: Record<string, unknown> }, what: string): T {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[option.className];
  if (!entry) throw new Error(`Unknown ${what} "${option.className}".`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, (option.config ?? {}) as tf.serialization.ConfigDict) as T;
}

export function initializerOf(option: WeightOption, fallback: string): Initializer {
  const chosen = option ?? fallback;
  if (typeof chosen === 'string') {
    const make = (tf.initializers as unknown as Record<string, unknown>)[chosen];
    if (typeof make !== 'function') throw new Error(`Unknown initializer "${chosen}".`);
    return (make as (args: object) => Initializer)({});
  }
  return fromRegistry<Initializer>(chosen, 'initializer');
}

export function regularizerOf(option: WeightOption): Regularizer | undefined {
  if (option === null || option === undefined) return undefined;
  if (typeof option === 'string') {
    const make = (tf.regularizers as unknown as Record<string, unknown>)[option];
    if (typeof make !== 'function') throw new Error(`Unknown regularizer "${option}".`);
    return (make as (args?: object) => Regularizer)();
  }
  return fromRegistry<Regularizer>(option, 'regularizer');
}
