import type { DatasetInfo } from '../api/contract';

/** Built-in data sets, as the UI and validation know them. The trainer loads the bytes. */
export const DATASETS: readonly DatasetInfo[] = [
  {
    id: 'mnist',
    name: 'MNIST handwritten digits',
    sampleShape: [28, 28],
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainSize: 60_000,
    testSize: 10_000,
  },
];

export function getDataset(id: string): DatasetInfo | undefined {
  return DATASETS.find((d) => d.id === id);
}
