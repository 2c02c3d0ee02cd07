import { bool, num, str } from '../../../shared/layers/params';
import type { LayerType } from '../../../shared/layers/registry';
import { ExportError, permute, transpose2d, type ExportLayer, type NamedWeight } from '../model-info';
import { pyLiteral } from '../python-literal';
import { activationLowering } from './activations';
import type { KerasContext, LayerLowering, PytorchCode, TfjsLowering } from './types';

/**
 * Small pieces several families' lowerings share. Every value written into generated Python goes
 * through `py` (pyLiteral, python-literal.ts), names included.
 */

export const py = (v: unknown): string => pyLiteral(v);

/** One family's entries; index.ts checks that all families together cover every LayerType. */
export type FamilyLowerings = Partial<Record<LayerType, LayerLowering>>;

// ---------------------------------------------------------------------------
// Keras

/** `name="dense_1"`. */
export const kerasName = (layer: ExportLayer): string => `name=${py(layer.name)}`;

/** `activation=...` from the layer's `activation` param. */
export const kerasActivation = (layer: ExportLayer, k: KerasContext, param = 'activation'): string => `activation=${k.act(str(layer.params, param))}`;

/** A Keras recurrent layer constructor (SimpleRNN, LSTM, GRU), named or (inside Bidirectional) not. */
export function kerasRnn(kind: string, layer: ExportLayer, k: KerasContext, name: string | null): string {
  const p = layer.params;
  const args = [
    String(num(p, 'units')),
    `activation=${k.act(str(p, 'activation'))}`,
    ...(kind === 'SimpleRNN' ? [] : [`recurrent_activation=${k.act(str(p, 'recurrentActivation'))}`]),
    `use_bias=${py(bool(p, 'useBias'))}`,
    `return_sequences=${py(bool(p, 'returnSequences'))}`,
    `dropout=${num(p, 'dropout')}`,
    `recurrent_dropout=${num(p, 'recurrentDropout')}`,
    ...(kind === 'GRU' ? [`reset_after=${py(bool(p, 'resetAfter'))}`] : []),
    ...(name ? [`name=${py(name)}`] : []),
  ];
  return `layers.${kind}(${args.join(', ')})`;
}

/** 1, 2 or 4 paddings (Netwright's forms) as top, bottom, left, right. */
export function fourSides(v: readonly number[]): [number, number, number, number] {
  return (v.length === 1 ? [v[0], v[0], v[0], v[0]] : v.length === 2 ? [v[0], v[0], v[1], v[1]] : [v[0], v[1], v[2], v[3]]) as [number, number, number, number];
}

/** Keras's ((top, bottom), (left, right)). */
export function kerasSides(v: readonly number[]): [[number, number], [number, number]] {
  const [t, b, l, r] = fourSides(v);
  return [
    [t, b],
    [l, r],
  ];
}

// ---------------------------------------------------------------------------
// PyTorch

/** A PyTorch expression applying a Netwright activation to `x`. */
export function pyActivation(name: string, x: string, layer: ExportLayer | null = null): string {
  return activationLowering(name, layer).pytorch(x);
}

/** A PyTorch lowering without a module: only a forward expression (and helpers). */
export const forwardOnly = (forward: string, helpers: string[] = []): PytorchCode => ({ init: [], forward, helpers, state: [] });

/** The last dimension of input `i`; an ExportError when it is unknown. */
export function lastDim(layer: ExportLayer, i = 0): number {
  const s = layer.inputShapes[i] ?? [];
  const d = s[s.length - 1];
  if (typeof d !== 'number') throw new ExportError(`${layer.name}: the last input dimension must be known.`, layer.nodeId);
  return d;
}

/** A 2-D weight transposed (Keras [in, out] -> torch [out, in]). */
export const t2 = (w: NamedWeight) => ({ shape: [w.shape[1] as number, w.shape[0] as number], data: transpose2d(w) });

export const perm = (w: NamedWeight, p: number[]) => permute(w.data, w.shape, p);

/** A state-dict entry for an optional weight (a bias that use_bias=False leaves out). */
export const optionalState = (key: string, w: NamedWeight | null): PytorchCode['state'] => (w ? [[key, w]] : []);

/** Keras depthwise kernel [kh, kw, cin, dm] -> torch grouped conv weight [cin*dm, 1, kh, kw]. */
export function depthwiseWeight(w: NamedWeight) {
  const [kh, kw, cin, dm] = w.shape as [number, number, number, number];
  const p = permute(w.data, [kh, kw, cin * dm], [2, 0, 1]);
  return { shape: [cin * dm, 1, kh, kw], data: p.data };
}

// ---------------------------------------------------------------------------
// TF.js

/** The custom TF.js activation classes the layer's activation params need (leakyRelu). */
export function activationClasses(layer: ExportLayer): string[] {
  const out: string[] = [];
  for (const param of ['activation', 'recurrentActivation']) {
    const v = layer.params[param];
    if (typeof v !== 'string') continue;
    const c = activationLowering(v, layer).tfjsCustomClass;
    if (c) out.push(c);
  }
  return out;
}

/** Stock TF.js layer; its activations may still need a custom class. */
export const stockLayer: TfjsLowering = activationClasses;

/** A layer Netwright adds to TF.js with the class `className` (built from main/trainer/custom-layers/). */
export const customLayer =
  (className: string): TfjsLowering =>
  (layer) => [className, ...activationClasses(layer)];
