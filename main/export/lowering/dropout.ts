import { num } from '../../../shared/layers/params';
import { ident } from '../model-info';
import { kerasName, stockLayer, type FamilyLowerings } from './parts';

/** Lowerings of shared/layers/specs/dropout.ts. Dropout is the identity at inference (ONNX). */
export const DROPOUT_LOWERINGS = {
  Dropout: {
    keras: (layer) => `layers.Dropout(${num(layer.params, 'rate')}, ${kerasName(layer)})`,
    onnx: (_o, _layer, xs) => xs[0] as string,
    pytorch: (layer, xs) => ({ init: [`self.${ident(layer.name)} = nn.Dropout(${num(layer.params, 'rate')})`], forward: `self.${ident(layer.name)}(${xs[0]})`, helpers: [], state: [] }),
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
