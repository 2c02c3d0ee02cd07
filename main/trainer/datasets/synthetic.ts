import type { DatasetId } from '../../../shared/graph/document';
import { gaussian, seededRandom } from '../random';
import type { SampleSet } from './mnist';

export type SyntheticKind = Extract<DatasetId, 'xor' | 'circles' | 'spirals' | 'gaussians'>;

/** Seed of the synthetic points: the same set each run for the same size and noise. */
const POINTS_SEED = 7;

/**
 * TensorFlow-Playground-style 2-D sets, coordinates roughly in [-1, 1], two
 * classes (A = 0, B = 1), half the points each. `noise` 0..1 jitters points.
 */
export function makeSynthetic(kind: SyntheticKind, samples: number, noise: number, seed = POINTS_SEED): SampleSet {
  const random = seededRandom(seed);
  const x = new Float32Array(samples * 2);
  const labels = new Uint8Array(samples);
  const jitter = () => gaussian(random) * noise * 0.3;
  for (let i = 0; i < samples; i++) {
    const label = i % 2;
    let px: number;
    let py: number;
    switch (kind) {
      case 'xor': {
        // Keep points off the axes a little, as the Playground does.
        const pad = 0.05;
        let ux = random() * 2 - 1;
        let uy = random() * 2 - 1;
        ux += ux > 0 ? pad : -pad;
        uy += uy > 0 ? pad : -pad;
        // Choose the quadrant by the label: same signs for A, different for B.
        if ((ux * uy >= 0 ? 0 : 1) !== label) uy = -uy;
        px = ux + jitter();
        py = uy + jitter();
        break;
      }
      case 'circles': {
        const r = label === 0 ? random() * 0.5 : 0.7 + random() * 0.3;
        const a = random() * 2 * Math.PI;
        px = r * Math.cos(a) + jitter();
        py = r * Math.sin(a) + jitter();
        break;
      }
      case 'spirals': {
        const t = random();
        const r = t * 0.9 + 0.05;
        const a = t * 1.75 * 2 * Math.PI + label * Math.PI;
        px = r * Math.cos(a) + jitter();
        py = r * Math.sin(a) + jitter();
        break;
      }
      case 'gaussians': {
        const c = label === 0 ? 0.5 : -0.5;
        const spread = 0.15 + noise * 0.5;
        px = c + gaussian(random) * spread;
        py = c + gaussian(random) * spread;
        break;
      }
    }
    x[i * 2] = px;
    x[i * 2 + 1] = py;
    labels[i] = label;
  }
  return { x, labels, count: samples, sampleSize: 2 };
}
