import type { ProjectDoc } from '../../shared/graph/document';
import { buildModelFromDoc } from './build-model';
import { saveModelToDir } from './save-model';

/** Builds the project's graph with fresh weights and writes it to `outDir` as a TF.js LayersModel. */
export async function exportFresh(doc: ProjectDoc, outDir: string): Promise<string[]> {
  const { model } = buildModelFromDoc(doc);
  try {
    return await saveModelToDir(model, outDir);
  } finally {
    model.dispose();
  }
}
