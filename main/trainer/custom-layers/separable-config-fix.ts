import * as tf from '@tensorflow/tfjs';

let patched = false;

/**
 * Stock tfjs 4.22's SeparableConv2D leaves `depthMultiplier` out of its config (its getConfig
 * deletes nothing but never adds it), so a saved model.json with depthMultiplier 2 reloads as
 * depthMultiplier 1 and its depthwise kernel [kh, kw, cin, 2] no longer fits. Its constructor
 * does read the field, so adding it to the config is the whole fix: models saved here (runs,
 * TF.js exports) carry it, and stock TF.js elsewhere loads them as they are. Idempotent.
 */
export function keepSeparableDepthMultiplier(): void {
  if (patched) return;
  const probe = tf.layers.separableConv2d({ filters: 1, kernelSize: 1 });
  const proto = Object.getPrototypeOf(probe) as { getConfig(this: tf.layers.Layer): tf.serialization.ConfigDict };
  const stock = proto.getConfig;
  proto.getConfig = function getConfig(this: tf.layers.Layer & { depthMultiplier?: number }) {
    const config = stock.call(this);
    if (config['depthMultiplier'] === undefined && typeof this.depthMultiplier === 'number') config['depthMultiplier'] = this.depthMultiplier;
    return config;
  };
  patched = true;
}
