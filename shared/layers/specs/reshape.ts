import type { LayerSpec } from '../types';
import { formatShape, intsParam, num } from '../params';
import { checkRank, fail, missingInput, ok } from '../common';

export const reshapeSpec: LayerSpec<'Reshape'> = {
  type: 'Reshape',
  label: 'Reshape',
  category: 'Core',
  description: 'Rearranges each sample into a new shape with the same number of values; one size may be -1 (inferred).',
  params: [
    {
      name: 'targetShape',
      label: 'Target shape',
      kind: 'shape',
      default: [-1, 1],
      minRank: 1,
      maxRank: 4,
      allowInfer: true,
      help: 'New shape without the batch dimension, e.g. 7, 7, 16 or -1, 64.',
    },
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 2 }],
  outputDtype: 'same',
  inferShape: ([input], params) => {
    const bad = checkRank('Reshape', input, 2, Infinity, 'an input with at least one dimension besides the batch', 'Connect a layer with a shape like [?, 784].');
    if (bad || !input) return bad ?? missingInput('Reshape');
    const target = intsParam(params, 'targetShape');
    let size: number | null = 1;
    for (const d of input.slice(1)) size = d === null || size === null ? null : size * d;
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const infer = target.indexOf(-1);
    if (infer >= 0) {
      if (size === null) return ok([input[0] ?? null, ...target.map((d) => (d === -1 ? null : d))]);
      if (size % known !== 0) {
        return fail('SHAPE_MISMATCH', `Reshape cannot split the ${size} values of ${formatShape(input)} into ${formatShape([null, ...target])}: ${size} is not a multiple of ${known}.`, 'Change the target shape so the other sizes divide the input size.');
      }
      return ok([input[0] ?? null, ...target.map((d) => (d === -1 ? size / known : d))]);
    }
    if (size !== null && size !== known) {
      return fail('SHAPE_MISMATCH', `Reshape to ${formatShape([null, ...target])} needs ${known} values per sample; its input ${formatShape(input)} has ${size}.`, 'Make the target sizes multiply to the input size, or use -1 for one of them.');
    }
    return ok([input[0] ?? null, ...target]);
  },
  countParams: () => 0,
  countMacs: () => 0,
  // tfjs 4.22 leaves a -1 unknown in its output shape (so a Dense after it fails);
  // Keras resolves it. Pass the resolved shape when the input size is known.
  tfjs: (params, inputShapes) => {
    const input = inputShapes?.[0];
    const resolved = input ? reshapeSpec.inferShape([input], params) : null;
    const target = resolved?.ok && resolved.shape.slice(1).every((d) => d !== null) ? resolved.shape.slice(1) : intsParam(params, 'targetShape');
    return { factory: 'reshape', config: { targetShape: [...target] } };
  },
};

export const permuteSpec: LayerSpec<'Permute'> = {
  type: 'Permute',
  label: 'Permute',
  category: 'Core',
  description: 'Reorders the non-batch axes: dims 2, 1 swaps the first two (time and features).',
  params: [
    { name: 'dims', label: 'Dims', kind: 'shape', default: [2, 1], minRank: 1, maxRank: 4, help: 'New order of the axes, counted from 1 (the batch axis is 0 and stays).' },
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 2 }],
  outputDtype: 'same',
  inferShape: ([input], params) => {
    if (!input) return missingInput('Permute');
    const dims = intsParam(params, 'dims');
    const r = input.length - 1;
    const sorted = [...dims].sort((a, b) => a - b);
    if (dims.length !== r || sorted.some((d, i) => d !== i + 1)) {
      return fail('RANK_MISMATCH', `Permute dims ${dims.join(', ')} must reorder the ${r} non-batch axes of ${formatShape(input)} (a permutation of 1..${r}).`, `Set Dims to a reordering of ${Array.from({ length: r }, (_, i) => i + 1).join(', ')}.`);
    }
    return ok([input[0] ?? null, ...dims.map((d) => input[d] ?? null)]);
  },
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'permute', config: { dims: [...intsParam(params, 'dims')] } }),
};

export const repeatVectorSpec: LayerSpec<'RepeatVector'> = {
  type: 'RepeatVector',
  label: 'RepeatVector',
  category: 'Core',
  description: 'Repeats a feature vector n times: [?, f] becomes [?, n, f] (e.g. to feed a decoder RNN).',
  params: [{ name: 'n', label: 'Repeats', kind: 'int', default: 2, min: 1, max: 100_000, help: 'How many time steps to make.' }],
  inputs: [{ name: 'in', label: 'input', minRank: 2, maxRank: 2 }],
  outputDtype: 'same',
  inferShape: ([input], params) => {
    const bad = checkRank('RepeatVector', input, 2, 2, 'a vector [batch, features]', 'Put a Flatten or GlobalAveragePooling before it.');
    if (bad || !input) return bad ?? missingInput('RepeatVector');
    return ok([input[0] ?? null, num(params, 'n'), input[1] ?? null]);
  },
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'repeatVector', config: { n: num(params, 'n') } }),
};
