import { useTraining } from '../state/context';
import { SampleImage } from './Evaluation';

/**
 * What the model sees: the first examples of a recent batch as the graph's augmentation layers
 * change them (image models with RandomFlip, RandomRotation, ...). Updated at most every 2 s.
 */
export function AugmentedExamples() {
  const augmented = useTraining((s) => s.run.augmented);
  if (!augmented) return null;
  const images = augmented.images.filter((v) => v.kind === 'image');
  const first = images[0];
  const scale = first ? Math.max(1, Math.floor(56 / Math.max(first.width, first.height))) : 1;
  return (
    <figure className="augmented" aria-label="What the model sees" data-testid="augmented-examples" data-step={augmented.step}>
      <figcaption className="small">
        <strong>What the model sees</strong>{' '}
        <span className="muted">
          after <code>{augmented.layer}</code>, epoch {augmented.epoch + 1}, step {augmented.step}
        </span>
      </figcaption>
      <div className="augmented__grid">
        {images.map((v, i) => (
          <SampleImage key={i} sample={v} scale={scale} label={`Augmented example ${i + 1}`} />
        ))}
      </div>
    </figure>
  );
}
