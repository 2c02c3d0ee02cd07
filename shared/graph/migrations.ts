import {
  DEFAULT_DATA_OPTIONS,
  DEFAULT_EARLY_STOPPING,
  DEFAULT_OPTIMIZER_OPTIONS,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  ProjectDocSchema,
  type ProjectDoc,
} from './document';

/**
 * Numbered migrations: `MIGRATIONS[n]` upgrades a version-n document to n+1.
 * Version 0 was the pre-release shape without `validationSplit`/limits.
 * Version 1 (walking skeleton) knew MNIST, SGD/Adam and a learning rate only;
 * version 2 adds data options, optimizer options, schedules, losses, metrics,
 * shuffling, seeds, early stopping and checkpoints. Version 3 adds composite
 * blocks (`blocks` and `Block` nodes); a version-2 file has none, so the
 * migration only renumbers it (a version-2 reader refuses version 3 rather than
 * dropping its blocks).
 */
type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  0: (doc) => {
    const training = (doc['training'] ?? {}) as Record<string, unknown>;
    return {
      ...doc,
      version: 1,
      training: { validationSplit: 0.1, trainLimit: null, testLimit: null, ...training },
    };
  },
  1: (doc) => {
    const training = (doc['training'] ?? {}) as Record<string, unknown>;
    // Version 1 trained every model with categorical cross-entropy and reported accuracy.
    return {
      ...doc,
      version: 2,
      training: {
        data: { ...DEFAULT_DATA_OPTIONS },
        optimizerOptions: { ...DEFAULT_OPTIMIZER_OPTIONS },
        lrSchedule: { kind: 'constant' },
        loss: 'categoricalCrossentropy',
        metrics: ['accuracy'],
        validationSource: 'split',
        shuffle: true,
        seed: null,
        earlyStopping: { ...DEFAULT_EARLY_STOPPING },
        checkpointBest: false,
        ...training,
      },
    };
  },
  2: (doc) => ({ ...doc, version: 3 }),
};

export class ProjectFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectFileError';
  }
}

/** Parses text of a `.nwproj` file: checks format, upgrades old versions, validates. */
export function parseProject(text: string): ProjectDoc {
  if (text.length > 50 * 1024 * 1024) throw new ProjectFileError('The project file is larger than 50 MB.');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProjectFileError(`The project file is not valid JSON (${(e as Error).message}).`);
  }
  return upgradeProject(raw);
}

export function upgradeProject(raw: unknown): ProjectDoc {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProjectFileError('The project file does not contain a project object.');
  }
  let doc = raw as Record<string, unknown>;
  if (doc['format'] !== PROJECT_FORMAT) {
    throw new ProjectFileError('This is not a Netwright project (its "format" field is missing or wrong).');
  }
  const version = doc['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new ProjectFileError('The project file has no valid "version".');
  }
  if (version > PROJECT_VERSION) {
    throw new ProjectFileError(
      `This project was saved by a newer Netwright (file version ${version}, this app reads up to ${PROJECT_VERSION}). Update Netwright to open it.`,
    );
  }
  for (let v = version; v < PROJECT_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) throw new ProjectFileError(`No migration from project version ${v}.`);
    doc = migrate(doc);
  }
  const parsed = ProjectDocSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? first.path.join('.') : '';
    throw new ProjectFileError(`The project file is damaged: ${where ? `${where}: ` : ''}${first?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

export function serializeProject(doc: ProjectDoc): string {
  return `${JSON.stringify(ProjectDocSchema.parse(doc), null, 2)}\n`;
}
