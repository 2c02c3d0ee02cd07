import { nodeLabel, type Graph } from './document';
import type { GraphAnalysis } from './analyze';
import { getLayerSpec } from '../layers/registry';
import { formatShape, withDefaults } from '../layers/params';
import { inputPorts } from '../layers/ports';

export type ConnectCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether an edge source -> target.targetPort may be drawn, for refusing it
 * while dragging (the reason is the tooltip). Refuses what can never become
 * valid: a missing node or port, a port already taken, a cycle, a rank the port
 * never accepts, an element type the port does not take. Shape problems that a
 * param change could fix (sizes, kernel larger than the input) are left to
 * analyzeGraph. Pure.
 */
export function canConnect(graph: Graph, analysis: GraphAnalysis, sourceId: string, targetId: string, targetPort: string): ConnectCheck {
  const no = (reason: string): ConnectCheck => ({ ok: false, reason });
  const source = graph.nodes.find((n) => n.id === sourceId);
  const target = graph.nodes.find((n) => n.id === targetId);
  if (!source || !target) return no('That layer no longer exists.');
  if (sourceId === targetId) return no('A layer cannot feed into itself.');
  const spec = getLayerSpec(target.type);
  if (!spec) return no(`${nodeLabel(target)} is an unknown layer type.`);
  const ports = inputPorts(spec, withDefaults(spec.params, target.params));
  if (ports.length === 0) return no(`${nodeLabel(target)} is a source: it takes no inputs.`);
  const port = ports.find((p) => p.name === targetPort);
  if (!port) return no(`${nodeLabel(target)} has no input "${targetPort}".`);
  const where = ports.length > 1 ? `${nodeLabel(target)}'s ${port.label}` : nodeLabel(target);
  if (graph.edges.some((e) => e.target === targetId && e.targetPort === targetPort)) {
    return no(`${where} is already connected. Delete that connection first, or merge the branches with Add or Concatenate.`);
  }
  if (wouldCycle(graph, sourceId, targetId)) return no(`That would make a loop: ${nodeLabel(target)} already feeds ${nodeLabel(source)}.`);
  const info = analysis.nodes.get(sourceId);
  const shape = info?.outputShape;
  if (shape) {
    if (port.minRank !== undefined && shape.length < port.minRank) {
      return no(`${where} needs at least ${port.minRank} dimensions (batch included); ${nodeLabel(source)} gives ${formatShape(shape)}.`);
    }
    if (port.maxRank !== undefined && shape.length > port.maxRank) {
      return no(`${where} takes at most ${port.maxRank} dimensions (batch included); ${nodeLabel(source)} gives ${formatShape(shape)}. Put a Flatten, Reshape or pooling layer between them.`);
    }
  }
  if (port.dtype !== undefined && info?.dtype && info.dtype !== port.dtype) {
    return no(`${where} needs ${port.dtype} ${port.label}; ${nodeLabel(source)} gives ${info.dtype} values.`);
  }
  return { ok: true };
}

/** True when an edge source -> target would close a loop (target already reaches source). */
export function wouldCycle(graph: Graph, source: string, target: string): boolean {
  if (source === target) return true;
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return false;
}
