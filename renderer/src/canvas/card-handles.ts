import type { HandleFallback } from './overview';
import { HANDLE_TOP, PORT_GAP, type LayerNodeData } from './LayerNode';
import { NODE_SIZE } from './placement';
import { nodeInputPorts } from '../../../shared/graph/node-ports';

/**
 * Where a card's handles sit when React Flow has not measured them (LayerNode's constants): the
 * output level with the title row on the right edge, the inputs down the left edge.
 */
export const CARD_HANDLES: HandleFallback = {
  size: NODE_SIZE,
  handleTop: HANDLE_TOP,
  portGap: PORT_GAP,
  inputIndex: (n, port) => (n.type === 'note' ? 0 : nodeInputPorts((n.data as LayerNodeData).node).findIndex((p) => p.name === port)),
};
