import { memo, useEffect, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNode } from '../../../shared/graph/document';
import type { NodeAnalysis } from '../../../shared/graph/analyze';
import { getLayerSpec } from '../../../shared/layers/registry';
import { nodeInputPorts } from '../../../shared/graph/node-ports';
import { formatCount, paramText, shapeText } from './format';
import { BLOCK_NODE_TYPE, type BlockDefinition } from '../../../shared/graph/block-schema';
import { BlockCard } from './BlockNode';
import { useCanvasUi } from '../state/canvas-ui';
import { StepCard } from '../step/StepCard';

export type LayerNodeData = {
  node: GraphNode;
  analysis: NodeAnalysis | undefined;
  /** Block nodes: their definition, and the shapes arriving at their inputs (`[?, 784] · ?`). */
  block?: BlockDefinition | undefined;
  inShapes?: string;
};
export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

/** Handles sit level with the title row so they do not move when the card grows. */
export const HANDLE_TOP = 19;
export const PORT_GAP = 18;

/**
 * React Flow measures a card's handles when the card's size changes; a merge going from 2 to 3
 * inputs may keep its size, and a wire dropped on the new port would then snap to a known one.
 */
function useRemeasureOnPortCount(id: string, ports: number): void {
  const updateNodeInternals = useUpdateNodeInternals();
  const seen = useRef(ports);
  useEffect(() => {
    if (seen.current === ports) return;
    seen.current = ports;
    updateNodeInternals(id);
  }, [id, ports, updateNodeInternals]);
}

function LayerNodeView({ id, data, selected }: NodeProps<LayerFlowNode>) {
  const { node, analysis } = data;
  useRemeasureOnPortCount(id, nodeInputPorts(node, getLayerSpec(node.type)).length);
  if (node.type === BLOCK_NODE_TYPE) {
    return <BlockCard id={id} node={node} block={data.block} inShapes={data.inShapes ?? ''} analysis={analysis} selected={selected} handleTop={HANDLE_TOP} portGap={PORT_GAP} />;
  }
  const spec = getLayerSpec(node.type);
  const issues = analysis?.issues ?? [];
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const title = node.name ? `${node.name}` : (spec?.label ?? node.type);
  // Empty values (pooling's default strides) say nothing: no "2×2 · · valid".
  const summary = spec?.params
    .filter((p) => p.kind !== 'bool')
    .slice(0, 3)
    .map((p) => paramText(p, node.params[p.name]))
    .filter((text) => text !== '')
    .join(' · ');
  const tooltip = issues.map((i) => `${i.severity === 'error' ? 'Error' : 'Warning'}: ${i.message} ${i.fix}`).join('\n');
  const frozen = node.params['trainable'] === false;
  const cls = ['layer-node', selected ? 'is-selected' : '', frozen ? 'is-frozen' : '', errors.length > 0 ? 'has-error' : warnings.length > 0 ? 'has-warning' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cls} data-testid={`node-${node.type}`} data-nodeid={id} title={tooltip || undefined} aria-label={`${title} layer`}>
      {nodeInputPorts(node, spec).map((port, i) => (
        <Handle
          key={port.name}
          type="target"
          position={Position.Left}
          id={port.name}
          style={{ top: HANDLE_TOP + i * PORT_GAP }}
          aria-label={`${title} ${port.label}`}
          title={`${port.label}: drop a connection here`}
        />
      ))}
      <div className="layer-node__head">
        <span className="layer-node__type" title={spec?.label ?? node.type}>
          {spec?.label ?? node.type}
        </span>
        {node.name ? <span className="layer-node__name">{node.name}</span> : null}
        <span className="layer-node__count" title={frozen ? 'Parameters, all frozen (not trained)' : 'Parameters'}>
          {formatCount(analysis?.params ?? 0)} params
        </span>
      </div>
      {frozen ? (
        <div className="layer-node__frozen" data-testid="node-frozen" title="Frozen: its weights stay as they are while training (Trainable off)">
          ❄ frozen
        </div>
      ) : null}
      <div className="layer-node__body">
        <span className="layer-node__shape" data-testid="node-shape">
          {shapeText(analysis?.outputShape)}
        </span>
        {summary ? <span className="layer-node__summary">{summary}</span> : null}
        {/* In the body, not the title row: the title and count get the whole width there. */}
        <CardMenuButton nodeId={id} title={title} />
      </div>
      <StepCard id={id} />
      {errors[0] ? (
        <div className="layer-node__issue is-error" role="note" title={errors.map((e) => e.message).join('\n')}>
          <span className="layer-node__issue-text">
            {errors[0].message}
            {errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}
          </span>
        </div>
      ) : warnings[0] ? (
        <div className="layer-node__issue is-warning" role="note" title={warnings[0].message}>
          <span className="layer-node__issue-text">{warnings[0].message}</span>
        </div>
      ) : null}
      <Handle type="source" position={Position.Right} id="out" style={{ top: HANDLE_TOP }} aria-label={`${title} output`} title="Output: drag to another layer's input" />
    </div>
  );
}

/** The card's ⋯ button: opens the card menu (also on right-click) below it. */
export function CardMenuButton({ nodeId, title }: { nodeId: string; title: string }) {
  return (
    <button
      type="button"
      className="layer-node__menu nodrag"
      aria-label={`${title} menu`}
      title="Layer menu (or right-click the card)"
      onClick={(e) => {
        e.stopPropagation();
        const card = e.currentTarget.getBoundingClientRect();
        const canvas = e.currentTarget.closest('.canvas')?.getBoundingClientRect();
        useCanvasUi.getState().openCardMenu(nodeId, { x: card.left - (canvas?.left ?? 0), y: card.bottom - (canvas?.top ?? 0) + 2 });
      }}
    >
      ⋯
    </button>
  );
}

export const LayerNode = memo(LayerNodeView);
