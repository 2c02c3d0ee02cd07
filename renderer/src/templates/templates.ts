import { DATASET_IDS, type ProjectDoc } from '../../../shared/graph/document';
import { upgradeProject } from '../../../shared/graph/migrations';
import { getDataset } from '../../../shared/training/datasets';
import { templateGoal, type TemplateGoal } from '../../../shared/training/template-goal';
import { TEMPLATE_BACKBONE_NAME } from '../../../shared/training/template-backbone';

/** The gallery's project files, bundled with the UI (resources/templates/*.nwproj). */
const FILES = import.meta.glob('../../../resources/templates/*.nwproj', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** The order the gallery shows them in. */
const ORDER = [
  'mnist-mlp',
  'mnist-cnn',
  'mnist-cnn-augmented',
  'fashion-cnn',
  'transfer-mnist-fashion',
  'resnet-cnn',
  'conv-autoencoder',
  'imdb-lstm',
  'imdb-gru',
  'imdb-transformer',
  'diabetes-regression',
  'iris-classifier',
  'xor-classifier',
  'circles-classifier',
  'spirals-classifier',
];

export interface Template {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly dataset: string;
  readonly layers: number;
  /** What it reaches with its own settings (measured; the README's table), or null. */
  readonly goal: TemplateGoal | null;
  /** The trained weights it starts from (resources/templates/backbones/<name>), or null. */
  readonly backbone: string | null;
  /** The file's JSON, parsed. */
  readonly raw: Record<string, unknown>;
}

export interface OpenedTemplate {
  readonly doc: ProjectDoc;
  /** Why Train stays disabled for it in this version, or null. */
  readonly trainNote: string | null;
}

const DATASET_NAMES: Readonly<Record<string, string>> = {
  'fashion-mnist': 'Fashion-MNIST',
  imdb: 'IMDB reviews',
  diabetes: 'diabetes (tabular regression)',
  spirals: 'spirals (synthetic)',
};

export function datasetName(id: string): string {
  return getDataset(id)?.name ?? DATASET_NAMES[id] ?? id;
}

function parse(id: string, text: string): Template | null {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const graph = raw['graph'] as { nodes?: unknown[] } | undefined;
    const training = raw['training'] as { dataset?: unknown } | undefined;
    return {
      id,
      name: typeof raw['name'] === 'string' ? raw['name'] : id,
      description: typeof raw['description'] === 'string' ? raw['description'] : '',
      dataset: typeof training?.dataset === 'string' ? training.dataset : 'mnist',
      layers: Array.isArray(graph?.nodes) ? graph.nodes.length : 0,
      goal: templateGoal(raw),
      backbone: typeof raw['backbone'] === 'string' && TEMPLATE_BACKBONE_NAME.test(raw['backbone']) ? raw['backbone'] : null,
      raw,
    };
  } catch {
    return null;
  }
}

export const TEMPLATES: readonly Template[] = Object.entries(FILES)
  .map(([path, text]) => parse(path.replace(/^.*\//, '').replace(/\.nwproj$/, ''), text))
  .filter((t): t is Template => t !== null)
  .sort((a, b) => (ORDER.indexOf(a.id) + 1 || 99) - (ORDER.indexOf(b.id) + 1 || 99));

/**
 * The template as a project. One whose data set this version does not know
 * still opens (with the default data set in its settings) and says why Train
 * is disabled; so does one needing a training task the engine lacks.
 */
export function openTemplate(t: Template): OpenedTemplate {
  const unsupported = typeof t.raw['unsupported'] === 'string' ? t.raw['unsupported'] : null;
  const known = (DATASET_IDS as readonly string[]).includes(t.dataset);
  if (known) return { doc: upgradeProject(t.raw), trainNote: unsupported };
  const training = { ...(t.raw['training'] as Record<string, unknown>), dataset: DATASET_IDS[0] };
  const doc = upgradeProject({ ...t.raw, training });
  return {
    doc,
    trainNote: `This template trains on the ${datasetName(t.dataset)} data set, which this version's training engine does not offer yet.`,
  };
}
