import * as tf from '@tensorflow/tfjs';

/**
 * Tile's gradient as one reshape + sum. The stock gradient adds one slice of dy per
 * repetition (rank ≤ 4 only): LayerNormalization-style broadcasts emitted thousands of kernels.
 * dy has shape [r0·x0, r1·x1, ...] with index rep·x_i + j, so reshaping it to
 * [r0, x0, r1, x1, ...] and summing the r axes gives dx.
 */
export const tileGradConfig: tf.GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as tf.Tensor[];
    if (!x) throw new Error('Tile gradient: the input was not saved.');
    const reps = (attrs as unknown as { reps: number[] }).reps;
    const d = dy as tf.Tensor;
    return {
      x: () =>
        tf.tidy(() => {
          if (reps.every((r) => r === 1)) return d.clone();
          const shape: number[] = [];
          const axes: number[] = [];
          x.shape.forEach((dim, i) => {
            const r = reps[i] ?? 1;
            if (r !== 1) {
              axes.push(shape.length);
              shape.push(r);
            }
            shape.push(dim);
          });
          return tf.sum(tf.reshape(d, shape), axes);
        }),
    };
  },
};
