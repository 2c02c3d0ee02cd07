import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { getLayerSpec } from '../../../shared/layers/registry';
import { TEMPLATES, openTemplate } from './templates';

describe('templates', () => {
  it('has the templates of the gallery, in order', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual([
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
    ]);
  });

  for (const t of TEMPLATES) {
    it(`${t.id} opens; its graph is valid wherever the catalog knows its layers`, () => {
      const { doc } = openTemplate(t);
      expect(doc.name).toBe(t.name);
      expect(doc.graph.nodes.length).toBe(t.layers);
      const known = doc.graph.nodes.every((n) => getLayerSpec(n.type));
      const analysis = analyzeGraph(doc.graph);
      if (known) expect(analysis.issues.filter((i) => i.severity === 'error')).toEqual([]);
      else expect(analysis.issues.some((i) => i.code === 'UNKNOWN_LAYER')).toBe(true);
    });
  }

  it('every template that can train states what it reaches (measured; the README table)', () => {
    for (const t of TEMPLATES) {
      if (typeof t.raw['unsupported'] === 'string') continue;
      expect(t.goal, t.id).not.toBeNull();
    }
  });

  it('the transfer template starts from its shipped backbone, convolutions frozen, on Fashion-MNIST', () => {
    expect(TEMPLATES.filter((t) => t.backbone !== null).map((t) => [t.id, t.backbone])).toEqual([['transfer-mnist-fashion', 'mnist-cnn-features']]);
    const t = TEMPLATES.find((x) => x.id === 'transfer-mnist-fashion') as (typeof TEMPLATES)[number];
    const { doc, trainNote } = openTemplate(t);
    expect(trainNote).toBeNull();
    expect(doc.training.dataset).toBe('fashion-mnist');
    expect(doc.graph.nodes.filter((n) => n.params['trainable'] === false).map((n) => n.id)).toEqual(['conv1', 'conv2']);
    // The backbone is the template's, not the project's: the project file format is unchanged.
    expect(doc).not.toHaveProperty('backbone');
  });

  it('MNIST templates (the autoencoder too) are ready to train; others say why not', () => {
    const byId = new Map(TEMPLATES.map((t) => [t.id, openTemplate(t)]));
    expect(byId.get('mnist-cnn')?.trainNote).toBeNull();
    expect(byId.get('mnist-mlp')?.doc.training.dataset).toBe('mnist');
    // The autoencoder trains with each image as its own target (reconstruction).
    expect(byId.get('conv-autoencoder')?.trainNote).toBeNull();
    expect(TEMPLATES.find((t) => t.id === 'conv-autoencoder')?.goal).toMatchObject({ metric: 'loss' });
    const imdb = byId.get('imdb-lstm');
    if (imdb?.doc.training.dataset !== 'imdb') expect(imdb?.trainNote).toMatch(/IMDB reviews data set/);
  });
});
