import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetInfo } from '../../../shared/training/dataset-info';
import type { DatasetId, TrainingSettings } from '../../../shared/graph/document';
import { datasetForSettings, getDataset, splitSizes, withLoss } from '../../../shared/training/datasets';
import { assertNever } from '../../../shared/layers/params';
import { fashionMnistMissing, imageView, loadFashionMnist, loadMnist, type SampleSet, type SplitData } from './mnist';
import { DataFileError, readCsvFile, tabularFromCsv } from './csv';
import { loadImdb, readTextCsv, textSplitData } from './text';
import { makeSynthetic } from './synthetic';
import { decodeImage, listImageFolder, resizeInto } from './images';
import { fixedSplit, holdOut, pickRows } from './split';

type Settings = Pick<TrainingSettings, 'dataset' | 'data' | 'loss' | 'trainLimit' | 'testLimit' | 'validationSplit' | 'validationSource'>;

/** The folder of the small CSVs shipped with Netwright (found from the source tree or the bundle). */
export function resourcesDatasetDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources', 'datasets');
    if (fs.existsSync(path.join(candidate, 'iris.csv'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('The built-in tabular data sets (resources/datasets) were not found.');
}

const BUILTIN_CSV: Partial<Record<DatasetId, { file: string; label: string; regression: boolean }>> = {
  iris: { file: 'iris.csv', label: 'species', regression: false },
  wine: { file: 'wine.csv', label: 'cultivar', regression: false },
  diabetes: { file: 'diabetes.csv', label: 'progression', regression: true },
};

function requirePath(settings: Settings): string {
  const p = settings.data.path;
  if (!p) throw new DataFileError(`Choose the ${settings.dataset === 'image-folder' ? 'folder' : 'file'} to import (training settings, data).`);
  return p;
}

/** Validation from the settings: a held-out split, or the test split itself. */
function finish(train: SampleSet, test: SampleSet, settings: Settings): Pick<SplitData, 'train' | 'validation' | 'test' | 'validationIsTest'> {
  const fromTest = settings.validationSource === 'test';
  const split = holdOut(train, test, { trainLimit: settings.trainLimit, testLimit: settings.testLimit, validationSplit: fromTest ? 0 : settings.validationSplit });
  return fromTest ? { ...split, validation: split.test, validationIsTest: true } : split;
}

function tabular(settings: Settings, file: string, labelColumn: string | null, regression: boolean): SplitData & { warnings: string[]; featureNames: string[] } {
  const t = tabularFromCsv(readCsvFile(file), path.basename(file), { labelColumn, regression, testSplit: settings.data.testSplit });
  const all: SampleSet = {
    x: t.x,
    labels: t.labels,
    count: t.count,
    sampleSize: t.sampleSize,
    ...(t.targets ? { targets: t.targets, targetSize: 1 } : {}),
  };
  const train = pickRows(all, t.trainRows);
  const test = pickRows(all, t.testRows);
  const featureNames = t.preprocessing.columns.map((c) => c.name);
  return {
    ...finish(train, test, settings),
    numClasses: regression ? 0 : t.classNames.length,
    sampleShape: [t.sampleSize],
    task: regression ? 'regression' : 'classification',
    classNames: t.classNames,
    preprocessing: t.preprocessing,
    viewTest: (i) => {
      const raw = t.rawRows[t.testRows[i] as number] ?? [];
      return { kind: 'values', names: featureNames, values: raw.map((v) => Number(v)).map((v) => (Number.isFinite(v) ? v : 0)) };
    },
    warnings: t.warnings,
    featureNames: t.featureNames,
  };
}

function imageFolder(settings: Settings, limitAll: number | null): SplitData & { warnings: string[] } {
  const dir = requirePath(settings);
  const listing = listImageFolder(dir);
  const [height, width] = settings.data.imageSize;
  const channels = settings.data.grayscale ? 1 : 3;
  const files = limitAll === null ? listing.files : listing.files.slice(0, limitAll);
  const sampleSize = height * width * channels;
  const x = new Float32Array(files.length * sampleSize);
  const labels = new Uint8Array(files.length);
  files.forEach(([file, label], i) => {
    resizeInto(decodeImage(file), height, width, channels, x, i * sampleSize);
    labels[i] = label;
  });
  const { train, test } = fixedSplit({ x, labels, count: files.length, sampleSize }, settings.data.testSplit);
  return {
    ...finish(train, test, settings),
    numClasses: listing.classNames.length,
    sampleShape: channels === 1 ? [height, width] : [height, width, 3],
    task: 'classification',
    classNames: listing.classNames,
    preprocessing: { kind: 'image', height, width, channels, scale: 255, classNames: listing.classNames },
    viewTest: (i) => imageView(test, i, height, width, channels),
    warnings: listing.warnings,
  };
}

/** Loads the data the settings name, ready for training; errors are readable. */
export function loadDataset(settings: Settings): SplitData {
  const limits = { trainLimit: settings.trainLimit, testLimit: settings.testLimit, validationSplit: settings.validationSource === 'test' ? 0 : settings.validationSplit };
  const asTest = (d: SplitData): SplitData => (settings.validationSource === 'test' ? { ...d, validation: d.test, validationIsTest: true } : d);
  const id = settings.dataset;
  switch (id) {
    case 'mnist':
      return asTest(loadMnist(limits));
    case 'fashion-mnist':
      return asTest(loadFashionMnist(limits, getDataset('fashion-mnist')?.classNames ?? []));
    case 'imdb':
      return asTest(loadImdb({ ...limits, vocabSize: settings.data.vocabSize, sequenceLength: settings.data.sequenceLength }));
    case 'iris':
    case 'wine':
    case 'diabetes': {
      const b = BUILTIN_CSV[id];
      if (!b) throw new Error(`No file for ${id}.`);
      return tabular(settings, path.join(resourcesDatasetDir(), b.file), b.label, b.regression);
    }
    case 'xor':
    case 'circles':
    case 'spirals':
    case 'gaussians': {
      const { train, test } = fixedSplit(makeSynthetic(id, settings.data.samples, settings.data.noise), settings.data.testSplit);
      return {
        ...finish(train, test, settings),
        numClasses: 2,
        sampleShape: [2],
        task: 'classification',
        classNames: ['A', 'B'],
        preprocessing: null,
        viewTest: (i) => ({ kind: 'values', names: ['x', 'y'], values: [test.x[i * 2] as number, test.x[i * 2 + 1] as number] }),
      };
    }
    case 'csv':
      return tabular(settings, requirePath(settings), settings.data.labelColumn, settings.data.regression);
    case 'image-folder':
      return imageFolder(settings, null);
    case 'text-csv': {
      const t = readTextCsv(requirePath(settings), settings.data);
      return asTest(textSplitData(t.train, t.test, { ...limits, vocabSize: settings.data.vocabSize, sequenceLength: settings.data.sequenceLength }));
    }
    default:
      return assertNever(id);
  }
}

/**
 * The data set as training will see it, without loading image or text data in full:
 * built-ins from their description (Fashion-MNIST checked on disk), imports by reading the file.
 */
export function inspectDataset(settings: Settings): DatasetInfo {
  const base = datasetForSettings(settings);
  if (!base) throw new DataFileError(`Unknown data set "${settings.dataset}".`);
  const id = settings.dataset;
  switch (id) {
    case 'fashion-mnist': {
      const missing = fashionMnistMissing();
      return missing ? { ...base, available: false, unavailableReason: missing } : base;
    }
    case 'mnist':
    case 'imdb':
    case 'iris':
    case 'wine':
    case 'diabetes':
    case 'xor':
    case 'circles':
    case 'spirals':
    case 'gaussians':
      return base;
    case 'csv': {
      const file = requirePath(settings);
      const table = readCsvFile(file);
      const t = tabularFromCsv(table, path.basename(file), { labelColumn: settings.data.labelColumn, regression: settings.data.regression, testSplit: settings.data.testSplit });
      const sizes = splitSizes(t.count, settings.data.testSplit);
      return withLoss(
        {
          ...base,
          name: path.basename(file),
          task: settings.data.regression ? 'regression' : 'classification',
          sampleShape: [t.sampleSize],
          numClasses: settings.data.regression ? 0 : t.classNames.length,
          classNames: t.classNames,
          outputSize: settings.data.regression ? 1 : t.classNames.length,
          trainSize: sizes.train,
          testSize: sizes.test,
          warnings: t.warnings,
          columns: table.header,
        },
        settings.loss,
      );
    }
    case 'image-folder': {
      const dir = requirePath(settings);
      const listing = listImageFolder(dir);
      // Decode the first image of each class, so a broken file shows up now rather than mid-training.
      for (let c = 0; c < listing.classNames.length; c++) {
        const first = listing.files.find(([, ci]) => ci === c);
        if (first) decodeImage(first[0]);
      }
      const [h, w] = settings.data.imageSize;
      const sizes = splitSizes(listing.files.length, settings.data.testSplit);
      return withLoss(
        {
          ...base,
          name: path.basename(dir),
          sampleShape: settings.data.grayscale ? [h, w] : [h, w, 3],
          numClasses: listing.classNames.length,
          classNames: listing.classNames,
          outputSize: listing.classNames.length,
          trainSize: sizes.train,
          testSize: sizes.test,
          warnings: listing.warnings,
        },
        settings.loss,
      );
    }
    case 'text-csv': {
      const t = readTextCsv(requirePath(settings), settings.data);
      return withLoss(
        {
          ...base,
          name: path.basename(requirePath(settings)),
          sampleShape: [settings.data.sequenceLength],
          numClasses: t.train.classNames.length,
          classNames: t.train.classNames,
          outputSize: t.train.classNames.length,
          trainSize: t.train.texts.length,
          testSize: t.test.texts.length,
          warnings: t.warnings,
        },
        settings.loss,
      );
    }
    default:
      return assertNever(id);
  }
}
