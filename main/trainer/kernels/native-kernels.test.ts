import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { netwrightKernelNames, stockKernel } from './index';
import { prepareNativeBackend, runOn } from './test-support';

let native = false;
beforeAll(async () => {
  native = await prepareNativeBackend();
});

const input = (values: number[]) => ({ x: { values: Float32Array.from(values), shape: [values.length], dtype: 'float32' as const } });

describe("the native backend's Step kernel", () => {
  it('is registered for tensorflow only', () => {
    expect(netwrightKernelNames('tensorflow')).toContain('Step');
    expect(netwrightKernelNames('wasm')).not.toContain('Step');
  });

  it("gives stock tfjs's step: 1 above 0, 0 at and below, NaN kept; alpha other than 0 goes to the stock kernel", (ctx) => {
    if (!native) ctx.skip();
    const values = [-3, -0, 0, 1e-30, 2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const [ours] = runOn('tensorflow', 'Step', input(values), { alpha: 0 });
    expect(Array.from(ours!.values)).toEqual([0, 0, 0, 1, 1, Number.NaN, 1, 0]);
    const [cpu] = runOn('cpu', 'Step', input(values), { alpha: 0 });
    expect(Array.from(ours!.values)).toEqual(Array.from(cpu!.values));
    const [leaky] = runOn('tensorflow', 'Step', input(values), { alpha: 0.25 });
    expect(Array.from(leaky!.values)).toEqual([0.25, 0.25, 0.25, 1, 1, Number.NaN, 1, 0.25]);
    expect(stockKernel('Step', 'tensorflow')).not.toBeNull();
    expect(tf.getKernel('Step', 'tensorflow')?.kernelFunc).not.toBe(stockKernel('Step', 'tensorflow')?.kernelFunc);
  });
});
