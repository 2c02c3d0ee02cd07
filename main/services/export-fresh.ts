import { ApiError } from '../../shared/api/contract';
import type { ProjectDoc } from '../../shared/graph/document';
import { analyzeWithBlocks } from '../../shared/graph/analyze-blocks';
import { FromTrainerSchema } from '../../shared/training/protocol';
import type { TrainerLauncher } from './launcher';

/** Builds the project's model with fresh weights in a trainer process and writes it to `outDir`. */
export function exportFreshModel(launcher: TrainerLauncher, doc: ProjectDoc, outDir: string): Promise<{ outDir: string; files: string[] }> {
  const analysis = analyzeWithBlocks(doc.graph, doc.blocks).outer;
  if (!analysis.valid) {
    const first = analysis.issues.find((i) => i.severity === 'error');
    return Promise.reject(new ApiError('INVALID_GRAPH', first ? `${first.message} ${first.fix}` : 'The graph is empty.'));
  }
  return new Promise((resolve, reject) => {
    const proc = launcher.launch();
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    proc.onMessage((raw) => {
      const parsed = FromTrainerSchema.safeParse(raw);
      if (!parsed.success) return settle(() => reject(new ApiError('TRAINER_ERROR', 'The trainer sent a malformed message.')));
      const msg = parsed.data;
      if (msg.type === 'exported') settle(() => resolve({ outDir, files: msg.files }));
      else if (msg.type === 'failed') settle(() => reject(new ApiError('EXPORT_FAILED', msg.message)));
    });
    proc.onExit((code) =>
      settle(() => reject(new ApiError('TRAINER_ERROR', `The trainer process ended (exit code ${code ?? 'none'}) before the export finished.`))),
    );
    proc.send({ type: 'export-fresh', doc, outDir });
  });
}
