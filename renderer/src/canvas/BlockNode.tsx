import { useState } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { GraphNode } from '../../../shared/graph/document';
import type { NodeAnalysis } from '../../../shared/graph/analyze';
import type { BlockDefinition } from '../../../shared/graph/block-schema';
import { nodeInputPorts } from '../../../shared/graph/node-ports';
import { useEditorStore } from '../state/context';
import { formatCount, shapeText } from './format';
import { CardMenuButton } from './LayerNode';
import { StepCard } from '../step/StepCard';

interface Props {
  readonly id: string;
  readonly node: GraphNode;
  readonly block: BlockDefinition | undefined;
  /** The shapes at its inputs, as text. */
  readonly inShapes: string;
  readonly analysis: NodeAnalysis | undefined;
  readonly selected: boolean;
  readonly handleTop: number;
  readonly portGap: number;
}

/**
 * A Block node collapsed to one card: its name, output shape and the
 * parameters of everything inside. "Show inside" lists the inner layers
 * (read-only); "Ungroup" puts them back on the canvas (Ctrl+Shift+G).
 */
export function BlockCard({ id, node, block, inShapes, analysis, selected, handleTop, portGap }: Props) {
  const store = useEditorStore();
  const [open, setOpen] = useState(false);
  const issues = analysis?.issues ?? [];
  const errors = issues.filter((i) => i.severity === 'error');
  const title = node.name ?? block?.name ?? 'Block';
  const frozen = node.params['trainable'] === false;
  const cls = ['layer-node', 'block-node', selected ? 'is-selected' : '', frozen ? 'is-frozen' : '', errors.length > 0 ? 'has-error' : ''].filter(Boolean).join(' ');
  const tooltip = issues.map((i) => `${i.severity === 'error' ? 'Error' : 'Warning'}: ${i.message} ${i.fix}`).join('\n');
  return (
    <div className={cls} data-testid="node-Block" data-nodeid={id} title={tooltip || undefined} aria-label={`${title} block`}>
      {nodeInputPorts(node).map((port, i) => {
        const label = block?.inputs[i]?.name ?? port.label;
        return (
          <Handle
            key={port.name}
            type="target"
            position={Position.Left}
            id={port.name}
            style={{ top: handleTop + i * portGap }}
            aria-label={`${title} ${label}`}
            title={`${label}: drop a connection here`}
          />
        );
      })}
      <div className="layer-node__head">
        <span className="layer-node__type">Block</span>
        <span className="layer-node__name">{title}</span>
        <span className="layer-node__count" title="Parameters of the layers inside" data-testid="block-params">
          {formatCount(analysis?.params ?? 0)} params
        </span>
        <CardMenuButton nodeId={id} title={title} />
      </div>
      {frozen ? (
        <div className="layer-node__frozen" data-testid="node-frozen" title="Frozen: the weights inside stay as they are while training">
          ❄ frozen
        </div>
      ) : null}
      <div className="layer-node__body">
        <span className="layer-node__summary" data-testid="block-in-shapes" title="Shapes at the block's inputs">
          in {inShapes}
        </span>
        <span className="layer-node__shape" data-testid="node-shape" title="Output shape">
          {shapeText(analysis?.outputShape)}
        </span>
        <span className="layer-node__summary">
          {block ? `${block.graph.nodes.length} layers · ${block.inputs.map((i) => i.name).join(', ')}` : 'missing definition'}
        </span>
        <span className="block-node__actions nodrag">
          <button type="button" className="btn btn--small" aria-expanded={open} onClick={() => setOpen(!open)} disabled={!block}>
            {open ? 'Hide inside' : 'Show inside'}
          </button>
          <button type="button" className="btn btn--small" onClick={() => store.getState().ungroup(id)} disabled={!block} title="Put the layers back on the canvas (Ctrl+Shift+G)">
            Ungroup
          </button>
        </span>
      </div>
      {open && block ? (
        <ol className="block-node__inside" aria-label={`Layers inside ${title}`}>
          {block.graph.nodes.map((n) => (
            <li key={n.id}>{n.name ? `${n.name} (${n.type})` : n.type}</li>
          ))}
        </ol>
      ) : null}
      <StepCard id={id} />
      {errors[0] ? (
        <div className="layer-node__issue is-error" role="note">
          {errors[0].message}
          {errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}
        </div>
      ) : null}
      <Handle type="source" position={Position.Right} id="out" style={{ top: handleTop }} aria-label={`${title} output`} title="Output: drag to another layer's input" />
    </div>
  );
}
