import { useEffect, useId, useMemo, useState } from 'react';
import type { GraphNode } from '../../../shared/graph/document';
import { getLayerSpec } from '../../../shared/layers/registry';
import { withDefaults } from '../../../shared/layers/params';
import type { Shape } from '../../../shared/layers/types';
import { useEditor, useEditorStore } from '../state/context';
import { useAnalysis } from '../state/analysis';
import { formatCount, shapeText } from '../canvas/format';
import { macCounter, nodeInputPorts } from '../../../shared/graph/node-ports';
import { ParamField } from './ParamField';
import { BLOCK_NODE_TYPE } from '../../../shared/graph/block-schema';
import { IssueList } from './IssueList';
import { canFreeze } from '../../../shared/graph/freeze';

/** Pooling's empty strides step by the pool size: the field's placeholder shows that size. */
function emptyMeans(node: Pick<GraphNode, 'params'>, param: string): string | undefined {
  const pool = node.params['poolSize'];
  if (param !== 'strides' || !Array.isArray(pool) || pool.length === 0) return undefined;
  return `${pool.join(', ')} (the pool size)`;
}

/** What the inspector shows of a layer (not its position, which changes on every drag). */
export type InspectedNode = Pick<GraphNode, 'id' | 'type' | 'name' | 'params'>;

/** The layer's name: committed on Enter or when the field loses focus (one undo step per rename). */
function NameField({ node }: { node: InspectedNode }) {
  const store = useEditorStore();
  const id = useId();
  const [text, setText] = useState(node.name ?? '');
  useEffect(() => setText(node.name ?? ''), [node.name]);
  const commit = () => store.getState().renameNode(node.id, text);
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        Name
      </label>
      <input
        id={id}
        className="input"
        data-rename-field
        value={text}
        placeholder={node.type}
        maxLength={200}
        aria-describedby={`${id}-help`}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
            e.currentTarget.blur();
          } else if (e.key === 'Escape') {
            setText(node.name ?? '');
            e.currentTarget.blur();
          }
        }}
      />
      <p className="field__help" id={`${id}-help`}>
        Your name for this layer (F2); empty shows the type.
      </p>
    </div>
  );
}

/** Multiply-adds for one sample, when the layer catalog can count them and every input shape is known. */
function useMacs(node: InspectedNode): number | null | undefined {
  const edges = useEditor((s) => s.doc.graph.edges);
  const { graph } = useAnalysis();
  return useMemo(() => {
    const spec = getLayerSpec(node.type);
    const out = graph.nodes.get(node.id)?.outputShape;
    const count = spec ? macCounter(spec) : undefined;
    if (!spec || !count || !out) return undefined;
    const shapes: Shape[] = [];
    for (const port of nodeInputPorts(node, spec)) {
      const edge = edges.find((e) => e.target === node.id && e.targetPort === port.name);
      const shape = edge ? graph.edgeShapes.get(edge.id) : undefined;
      if (shape) shapes.push(shape);
      else if (!port.optional) return undefined;
    }
    try {
      return count(shapes, withDefaults(spec.params, node.params), out);
    } catch {
      return undefined;
    }
  }, [node, edges, graph]);
}

/** What a Block node holds, and the way back to its layers. */
function BlockFacts({ node }: { node: InspectedNode }) {
  const store = useEditorStore();
  const block = useEditor((s) => (s.doc.blocks ?? []).find((b) => b.id === node.params['block']));
  if (!block) return <p className="inspector__desc">This block's definition is missing from the project.</p>;
  return (
    <>
      <p className="inspector__desc">
        Block “{block.name}”: {block.graph.nodes.map((n) => n.name ?? n.type).join(' → ')}. Inputs: {block.inputs.map((i) => i.name).join(', ')}. Ungroup it to edit the layers.
      </p>
      <button type="button" className="btn btn--small" onClick={() => store.getState().ungroup(node.id)}>
        Ungroup block
      </button>
    </>
  );
}

/** The layer's Trainable setting as a switch at the top of its fields (Block nodes: every layer inside). */
function TrainableSwitch({ node }: { node: InspectedNode }) {
  const store = useEditorStore();
  const id = useId();
  const trainable = node.params['trainable'] !== false;
  return (
    <div className="field field--switch">
      <label htmlFor={id} className="field__label">
        Trainable
      </label>
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={trainable}
        className={`switch${trainable ? ' is-on' : ''}`}
        aria-describedby={`${id}-help`}
        onClick={() => store.getState().setParam(node.id, 'trainable', !trainable)}
      >
        <span className="switch__knob" />
      </button>
      <span className="switch__state">{trainable ? 'on' : 'frozen'}</span>
      <p className="field__help" id={`${id}-help`}>
        {node.type === BLOCK_NODE_TYPE
          ? 'Off: every layer inside keeps its weights while training (frozen).'
          : 'Off: the weights stay as they are while training (frozen); a frozen BatchNormalization uses its moving statistics.'}{' '}
        Right-click the card to freeze every layer before it.
      </p>
    </div>
  );
}

/** Fields and facts of one selected layer. */
export function NodeInspector({ node }: { node: InspectedNode }) {
  const store = useEditorStore();
  const { graph, trainIssues } = useAnalysis();
  const spec = getLayerSpec(node.type);
  const info = graph.nodes.get(node.id);
  const issues = [...(info?.issues ?? []), ...trainIssues.filter((i) => i.nodeId === node.id)];
  const macs = useMacs(node);

  return (
    <div className="inspector__section" aria-label={`${spec?.label ?? node.type} properties`}>
      <header className="inspector__head">
        <h2 className="panel-title">{spec?.label ?? node.type}</h2>
        <span className="inspector__id">{node.id}</span>
      </header>
      {spec ? <p className="inspector__desc">{spec.description}</p> : null}
      {node.type === BLOCK_NODE_TYPE ? <BlockFacts node={node} /> : null}
      <dl className="facts">
        <dt>Output shape</dt>
        <dd data-testid="inspector-output-shape">{shapeText(info?.outputShape)}</dd>
        <dt>Parameters</dt>
        <dd data-testid="inspector-params">{formatCount(info?.params ?? 0)}</dd>
        {info && info.params > 0 ? (
          <>
            <dt title="As Keras's summary() counts them">Trainable · non-trainable</dt>
            <dd data-testid="inspector-trainable-params">
              {formatCount(info.trainableParams)} · {formatCount(info.nonTrainableParams)}
            </dd>
          </>
        ) : null}
        {macs !== undefined ? (
          <>
            <dt title="Multiply-accumulate operations for one sample">Multiply-adds</dt>
            <dd data-testid="inspector-macs">{macs === null ? 'unknown (a size is only known at run time)' : formatCount(macs)}</dd>
          </>
        ) : null}
      </dl>
      <form className="fields" onSubmit={(e) => e.preventDefault()} aria-label="Layer parameters">
        <NameField node={node} />
        {canFreeze(node) ? <TrainableSwitch node={node} /> : null}
        {spec?.params.filter((p) => p.name !== 'trainable').map((p) => (
          <ParamField
            key={`${node.id}:${p.name}`}
            spec={p}
            value={node.params[p.name]}
            emptyMeans={emptyMeans(node, p.name)}
            onCommit={(value, key) => store.getState().setParam(node.id, p.name, value, key)}
          />
        ))}
      </form>
      {spec && spec.params.length === 0 ? <p className="muted">This layer has no settings.</p> : null}
      <IssueList issues={issues} />
      <button type="button" className="btn btn--danger btn--small" onClick={() => store.getState().deleteElements([node.id], [])}>
        Delete layer
      </button>
    </div>
  );
}
