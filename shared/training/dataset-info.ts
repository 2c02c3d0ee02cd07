import { z } from 'zod';
import { DATA_OPTION_KEYS } from '../graph/document';

/** What the UI and the trainer know of a data set: shapes, classes, sizes (`datasets.list`, `datasets.inspect`). */
export const DatasetInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Shape of one sample, without the batch dimension ([] for an import not inspected yet). */
  sampleShape: z.array(z.number().int()),
  /** Classes for classification; 0 for regression. */
  numClasses: z.number().int(),
  classNames: z.array(z.string()),
  trainSize: z.number().int(),
  testSize: z.number().int(),
  task: z.enum(['classification', 'regression']),
  kind: z.enum(['image', 'text', 'tabular', 'synthetic']),
  source: z.enum(['builtin', 'import']),
  description: z.string(),
  /** `int32` for token ids (text); the Input feeds an Embedding. */
  inputDtype: z.enum(['float32', 'int32']),
  /** Values the output layer must produce per sample: classes (or 1 for two classes with binary cross-entropy), or regression targets. */
  outputSize: z.number().int(),
  /** Which `training.data` options this data set reads. */
  options: z.array(z.enum(DATA_OPTION_KEYS)),
  /** False where the data is missing (Fashion-MNIST without Debian's package); `unavailableReason` says how to get it. */
  available: z.boolean(),
  unavailableReason: z.string().nullable(),
  /** Things worth knowing about an import (missing values filled, rows left out). */
  warnings: z.array(z.string()).optional(),
  /** Imports from a CSV file: its columns, in order (the label and text column are picked from them). */
  columns: z.array(z.string()).optional(),
});
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;
