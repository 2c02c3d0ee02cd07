import { createContext, useContext, useDeferredValue, useMemo, useRef, type ReactNode } from 'react';
import type { GraphAnalysis } from '../../../shared/graph/analyze';
import { analyzeWithBlocks, foldIssues } from '../../../shared/graph/analyze-blocks';
import type { BlockDefinition } from '../../../shared/graph/block-schema';
import type { Graph, TrainingSettings } from '../../../shared/graph/document';
import type { GraphIssue } from '../../../shared/graph/issues';
import { checkTrainable } from '../../../shared/training/trainable';
import type { DatasetInfo } from '../../../shared/training/dataset-info';
import { configuredDataset, getDataset } from '../../../shared/training/datasets';
import { inspectKey, useInspectImport } from './inspect-import';
import { useEditor } from './context';
import { useUi } from './ui';

export interface Analysis {
  /** Keyed by the canvas's nodes (a Block node sums the layers inside it). */
  readonly graph: GraphAnalysis;
  /** Data-set fit problems, checked when the graph itself is valid. */
  readonly trainIssues: readonly GraphIssue[];
  /** Errors that keep the Train button disabled, graph errors first. */
  readonly blockers: readonly GraphIssue[];
  readonly dataset: DatasetInfo | undefined;
}

const AnalysisContext = createContext<Analysis | null>(null);
const NO_BLOCKS: readonly BlockDefinition[] = [];

/** The data-set fit check, given the run settings (the loss decides what the output must be). */
const checkFit: (graph: Graph, analysis: GraphAnalysis, dataset: DatasetInfo, settings: TrainingSettings) => GraphIssue[] = checkTrainable;

/** Same logical graph (ignoring positions): nodes keep their params objects while dragged. */
function sameLogicalGraph(a: Graph, b: Graph): boolean {
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return m !== undefined && m.id === n.id && m.type === n.type && m.params === n.params && m.name === n.name;
  });
}

/** Analyses the document once per logical change and shares the result. */
export function AnalysisProvider({ children }: { children: ReactNode }) {
  const graph = useEditor((s) => s.doc.graph);
  const training = useEditor((s) => s.doc.training);
  const blocks = useEditor((s) => s.doc.blocks ?? NO_BLOCKS);
  const datasetId = training.dataset;
  const datasets = useUi((s) => s.datasets);
  const inspected = useUi((s) => s.inspected);
  useInspectImport(training);
  const inspectedKey = inspectKey(training);
  const stable = useRef(graph);
  if (!sameLogicalGraph(stable.current, graph)) stable.current = graph;
  const logical = stable.current;

  // Analysis follows edits at a lower priority than the edit itself (useDeferredValue),
  // so typing and dragging stay responsive on large graphs.
  const deferred = useDeferredValue(logical);
  const deferredBlocks = useDeferredValue(blocks);
  const full = useMemo(() => analyzeWithBlocks(deferred, deferredBlocks), [deferred, deferredBlocks]);
  const value = useMemo<Analysis>(() => {
    const analysis = full.outer;
    // The listed data set as the settings shape it (IMDB's sequence length, synthetic sizes), as the trainer will load it.
    // An import as the back end read its file, once it has.
    const read = inspected && inspected.key === inspectedKey ? inspected.info : null;
    const listed = read ?? datasets.find((d) => d.id === datasetId) ?? getDataset(datasetId);
    const dataset = listed ? configuredDataset(listed, training.data) : undefined;
    // The data-set check reads the layers that train (blocks inlined); its issues are shown on the canvas's nodes.
    const trainIssues = analysis.valid && dataset ? foldIssues(deferred, full.expansion, checkFit(full.model, full.expanded, dataset, training)) : [];
    const blockers = [...analysis.issues, ...trainIssues].filter((i) => i.severity === 'error');
    return { graph: analysis, trainIssues, blockers, dataset };
  }, [full, deferred, datasetId, datasets, training, inspected, inspectedKey]);

  return <AnalysisContext.Provider value={value}>{children}</AnalysisContext.Provider>;
}

export function useAnalysis(): Analysis {
  const a = useContext(AnalysisContext);
  if (!a) throw new Error('useAnalysis needs an AnalysisProvider');
  return a;
}
