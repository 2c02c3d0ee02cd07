import { useEffect } from 'react';
import type { TrainingSettings } from '../../../shared/graph/document';
import { getDataset } from '../../../shared/training/datasets';
import { getApi } from '../platform';
import { errorText, useUi } from './ui';

/**
 * What reading an imported data set depends on, as one string (null: a built-in set, or no
 * file chosen yet). A result read for another key is stale.
 */
export function inspectKey(t: Pick<TrainingSettings, 'dataset' | 'data' | 'loss'>): string | null {
  if (getDataset(t.dataset)?.source !== 'import' || !t.data.path) return null;
  const d = t.data;
  return JSON.stringify([t.dataset, d.path, d.labelColumn, d.textColumn, d.regression, d.testSplit, d.imageSize, d.grayscale, d.vocabSize, d.sequenceLength, t.loss]);
}

/**
 * Reads the open project's imported data set (its file or folder) whenever what it depends on
 * changes, so the canvas checks the graph against the real columns, classes and sizes, and
 * Train says what is wrong with the file before a run starts.
 */
export function useInspectImport(training: TrainingSettings): void {
  const key = inspectKey(training);
  useEffect(() => {
    if (key === null) return;
    let on = true;
    getApi()
      .call('datasets.inspect', { settings: training })
      .then(
        (info) => on && useUi.getState().setInspected({ key, info, error: null }),
        (e) => on && useUi.getState().setInspected({ key, info: null, error: errorText(e) }),
      );
    return () => {
      on = false;
    };
    // The key holds every setting the reading depends on; other edits (epochs, loss weights) need no new reading.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
