import type { TrainingSettings } from '../../../shared/graph/document';
import { assertNever } from '../../../shared/layers/params';
import { loadMnist, type SplitData } from './mnist';

/** Loads the bytes of the data set named in the training settings. */
export function loadDataset(settings: TrainingSettings): SplitData {
  const options = { trainLimit: settings.trainLimit, testLimit: settings.testLimit, validationSplit: settings.validationSplit };
  switch (settings.dataset) {
    case 'mnist':
      return loadMnist(options);
    default:
      return assertNever(settings.dataset);
  }
}
