import { PROJECT_FORMAT, PROJECT_VERSION, type ProjectDoc } from '../../shared/graph/document';
import type { RunRecordData } from '../../shared/training/runs';

/**
 * The project a run trained (its graph with blocks inlined, and its settings), to train it again;
 * a run trained without a seed is replayed with the seed it drew.
 */
export function replayDoc(record: RunRecordData): ProjectDoc {
  const seed = record.settings.seed ?? record.seed ?? null;
  return { format: PROJECT_FORMAT, version: PROJECT_VERSION, name: record.name, graph: record.graph, training: { ...record.settings, seed } };
}
