import type { GraphNode } from '../../../shared/graph/document';
import { getLayerSpec } from '../../../shared/layers/registry';
import { useEditorStore } from '../state/context';
import { useAnalysis } from '../state/analysis';
import { formatCount, shapeText } from '../canvas/format';
import { ParamField } from './ParamField';
import { IssueList } from './IssueList';

/** Fields and facts of one selected layer. */
export function NodeInspector({ node }: { node: GraphNode }) {
  const store = useEditorStore();
  const { graph, trainIssues } = useAnalysis();
  const spec = getLayerSpec(node.type);
  const info = graph.nodes.get(node.id);
  const issues = [...(info?.issues ?? []), ...trainIssues.filter((i) => i.nodeId === node.id)];

  return (
    <div className="inspector__section" aria-label={`${spec?.label ?? node.type} properties`}>
      <header className="inspector__head">
        <h2 className="panel-title">{spec?.label ?? node.type}</h2>
        <span className="inspector__id">{node.id}</span>
      </header>
      {spec ? <p className="inspector__desc">{spec.description}</p> : null}
      <dl className="facts">
        <dt>Output shape</dt>
        <dd data-testid="inspector-output-shape">{shapeText(info?.outputShape)}</dd>
        <dt>Parameters</dt>
        <dd data-testid="inspector-params">{formatCount(info?.params ?? 0)}</dd>
      </dl>
      {spec && spec.params.length > 0 ? (
        <form className="fields" onSubmit={(e) => e.preventDefault()} aria-label="Layer parameters">
          {spec.params.map((p) => (
            <ParamField
              key={`${node.id}:${p.name}`}
              spec={p}
              value={node.params[p.name]}
              onCommit={(value, key) => store.getState().setParam(node.id, p.name, value, key)}
            />
          ))}
        </form>
      ) : (
        <p className="muted">This layer has no settings.</p>
      )}
      <IssueList issues={issues} />
      <button type="button" className="btn btn--danger btn--small" onClick={() => store.getState().deleteElements([node.id], [])}>
        Delete layer
      </button>
    </div>
  );
}
