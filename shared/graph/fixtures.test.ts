import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyzeGraph } from './analyze';
import { GraphSchema, type Graph } from './document';
import { parseProject } from './migrations';
import { checkTrainable } from '../training/trainable';
import { getDataset } from '../training/datasets';
import type { GraphIssue } from './issues';

/**
 * Runs analyzeGraph (and, for valid graphs, checkTrainable on MNIST) over every
 * graph in ./fixtures. A fixture is data: the graph, or the name of a shipped
 * example project, plus what analysis must find.
 */

const IssueRef = z.strictObject({ code: z.string(), nodeId: z.string().optional(), edgeId: z.string().optional() });
const FixtureSchema = z.strictObject({
  description: z.string().min(1),
  graph: z.unknown().optional(),
  /** File name in resources/examples/ whose graph is analysed. */
  project: z.string().optional(),
  expect: z.strictObject({
    valid: z.boolean(),
    nodes: z.record(z.string(), z.strictObject({ outputShape: z.array(z.number().nullable()).nullable(), params: z.number().int() })),
    totalParams: z.number().int(),
    order: z.array(z.string()).optional(),
    inputs: z.array(z.string()).optional(),
    outputs: z.array(z.string()).optional(),
    issues: z.array(IssueRef),
    /** checkTrainable against MNIST; only for valid graphs. */
    trainIssues: z.array(IssueRef).optional(),
  }),
});
type Fixture = z.infer<typeof FixtureSchema>;

const fixtureFiles = import.meta.glob<unknown>('./fixtures/*.json', { eager: true, import: 'default' });
const examples = import.meta.glob<string>('/resources/examples/*.nwproj', { eager: true, query: '?raw', import: 'default' });

function loadGraph(f: Fixture): Graph {
  if (f.project !== undefined) {
    const text = examples[`/resources/examples/${f.project}`];
    if (text === undefined) throw new Error(`no example project ${f.project}`);
    return parseProject(text).graph;
  }
  // Positions do not matter to analysis; fixtures may leave them out.
  const raw = f.graph as { nodes?: Record<string, unknown>[] } | undefined;
  const nodes = (raw?.nodes ?? []).map((n) => ({ position: { x: 0, y: 0 }, ...n }));
  return GraphSchema.parse({ ...raw, nodes });
}

const key = (i: { code: string; nodeId?: string; edgeId?: string }) => `${i.code}|${i.nodeId ?? ''}|${i.edgeId ?? ''}`;
const keys = (issues: readonly { code: string; nodeId?: string; edgeId?: string }[]) => issues.map(key).sort();

function expectReadable(issue: GraphIssue, graph: Graph) {
  expect(issue.message, issue.code).toMatch(/^[A-Z].*\.$/);
  expect(issue.fix.length, issue.code).toBeGreaterThan(0);
  if (issue.nodeId !== undefined) {
    const node = graph.nodes.find((n) => n.id === issue.nodeId);
    expect(node, `${issue.code} points at a node that exists`).toBeDefined();
    // The message names the node the way the canvas shows it.
    expect(issue.message).toContain(node!.name ?? node!.type);
  }
}

const entries = Object.entries(fixtureFiles).map(([path, data]) => [path.replace('./fixtures/', ''), FixtureSchema.parse(data)] as const);

describe('graph fixtures', () => {
  it('are all found (the glob did not silently match nothing)', () => {
    expect(entries.length).toBeGreaterThanOrEqual(18);
    expect(entries.map(([name]) => name)).toContain('mnist-mlp.json');
  });

  it.each(entries)('%s', (_name, f) => {
    const graph = loadGraph(f);
    const a = analyzeGraph(graph);
    const want = f.expect;

    // Every node has an expectation, and each matches.
    expect(Object.keys(want.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    for (const [id, exp] of Object.entries(want.nodes)) {
      const got = a.nodes.get(id);
      expect(got, id).toBeDefined();
      expect({ id, outputShape: got!.outputShape, params: got!.params }).toEqual({ id, ...exp });
    }
    expect(a.totalParams).toBe(want.totalParams);
    expect(a.valid).toBe(want.valid);
    if (want.order) expect(a.order).toEqual(want.order);
    if (want.inputs) expect(a.inputs).toEqual(want.inputs);
    if (want.outputs) expect(a.outputs).toEqual(want.outputs);

    expect(keys(a.issues)).toEqual(keys(want.issues));
    for (const issue of a.issues) expectReadable(issue, graph);
    // Node-level issues are also attached to their node.
    for (const issue of a.issues.filter((i) => i.nodeId !== undefined)) {
      expect(a.nodes.get(issue.nodeId!)!.issues).toContain(issue);
    }
    // Edge shapes are the shape of the edge's source.
    for (const e of graph.edges) expect(a.edgeShapes.get(e.id)).toEqual(a.nodes.get(e.source)?.outputShape ?? null);

    if (want.trainIssues) {
      expect(want.valid, 'trainIssues only make sense for valid graphs').toBe(true);
      const trainIssues = checkTrainable(graph, a, getDataset('mnist')!);
      expect(keys(trainIssues)).toEqual(keys(want.trainIssues));
      for (const issue of trainIssues) expectReadable(issue, graph);
    }
  });
});
