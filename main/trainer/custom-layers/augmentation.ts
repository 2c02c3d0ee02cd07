import * as tf from '@tensorflow/tfjs';
import { centreWindow } from '../../../shared/layers/specs/augmentation';

type LayerShape = (number | null)[];
type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
type Interpolation = 'bilinear' | 'nearest';

/**
 * Keras's image augmentation layers (channels last). While training each draws its random
 * changes from Math.random, which the trainer seeds with the run's seed, so a run repeats; at
 * inference each is the identity (RandomCrop: the centre, resized). The geometric ones sample
 * the image as Keras's affine_transform (TensorFlow's ImageProjectiveTransformV3) does: the same
 * fill modes and interpolations, computed here with a gather, which every backend has.
 */

/** Per image: input x = a0·x' + a1·y' + a2, input y = b0·x' + b1·y' + b2 for output pixel (x', y'). */
export type Affine = readonly [number, number, number, number, number, number];

/** TensorFlow's map_coordinate: where a coordinate outside [0, len - 1] reads from. */
export function mapCoordinate(c: number, len: number, mode: FillMode): number {
  const clamp = (v: number) => Math.min(Math.max(v, 0), len - 1);
  if (mode === 'constant') return c;
  if (mode === 'nearest') return clamp(c);
  if (len <= 1) return 0;
  if (mode === 'reflect') {
    const sz2 = 2 * len;
    if (c < 0) {
      if (c < -sz2) c = sz2 * Math.trunc(-c / sz2) + c;
      c = c < -len ? c + sz2 : -c - 1;
    } else if (c > len - 1) {
      c -= sz2 * Math.trunc(c / sz2);
      if (c >= len) c = sz2 - c - 1;
    }
    return clamp(c);
  }
  const sz = len - 1;
  if (c < 0) c += len * (Math.trunc(-c / sz) + 1);
  else if (c > len - 1) c -= len * Math.trunc(c / sz);
  return clamp(c);
}

const f32 = Math.fround;

/** Rounds half away from zero, as std::round. */
const round = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

/**
 * Samples each image of x [batch, height, width, channels] at the points its affine gives,
 * with TensorFlow's fill and interpolation rules. One gather of (up to) four corners per pixel.
 */
export function affineSample(x: tf.Tensor4D, affines: readonly Affine[], fillMode: FillMode, interpolation: Interpolation, fillValue: number): tf.Tensor4D {
  const [b, h, w, ch] = x.shape;
  const corners = interpolation === 'bilinear' ? 4 : 1;
  const n = b * h * w;
  const index = new Int32Array(n * corners);
  const weight = new Float32Array(n * corners);
  const fill = new Float32Array(n);
  for (let i = 0; i < b; i++) {
    // In float32, as TensorFlow computes it (a point at exactly .5 then rounds the same way).
    const [a0, a1, a2, b0, b1, b2] = (affines[i] as Affine).map(f32) as unknown as Affine;
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const p = (i * h + y) * w + xx;
        const sx = mapCoordinate(f32(f32(f32(a0 * xx) + f32(a1 * y)) + a2), w, fillMode);
        const sy = mapCoordinate(f32(f32(f32(b0 * xx) + f32(b1 * y)) + b2), h, fillMode);
        const put = (k: number, yy: number, xc: number, wt: number) => {
          if (yy >= 0 && yy < h && xc >= 0 && xc < w) {
            index[p * corners + k] = (i * h + yy) * w + xc;
            weight[p * corners + k] = wt;
          } else fill[p] = (fill[p] as number) + wt * fillValue;
        };
        if (corners === 1) {
          put(0, round(sy), round(sx), 1);
        } else {
          const y0 = Math.floor(sy);
          const x0 = Math.floor(sx);
          const fy = sy - y0;
          const fx = sx - x0;
          put(0, y0, x0, (1 - fy) * (1 - fx));
          put(1, y0, x0 + 1, (1 - fy) * fx);
          put(2, y0 + 1, x0, fy * (1 - fx));
          put(3, y0 + 1, x0 + 1, fy * fx);
        }
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(x, [n, ch]);
    const picked = tf.mul(tf.gather(flat, tf.tensor1d(index, 'int32')), tf.tensor2d(weight, [n * corners, 1]));
    const summed = corners === 1 ? picked : tf.sum(tf.reshape(picked, [n, corners, ch]), 1);
    return tf.reshape(tf.add(summed, tf.tensor2d(fill, [n, 1])), [b, h, w, ch]) as tf.Tensor4D;
  });
}

const uniform = (lo: number, hi: number) => lo + (hi - lo) * Math.random();

function imageOf(layer: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor4D {
  const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
  if (x.rank !== 4) throw new Error(`${layer.name}: ${layer.getClassName()} takes images [batch, height, width, channels].`);
  return x as tf.Tensor4D;
}

interface FillConfig {
  fillMode?: FillMode;
  interpolation?: Interpolation;
  fillValue?: number;
  name?: string;
  trainable?: boolean;
}

/** The base of the layers that move pixels: identity at inference, an affine per image while training. */
abstract class PixelMover extends tf.layers.Layer {
  /** The affine of one image of height h and width w. */
  protected abstract draw(h: number, w: number): Affine;

  /** How the moved image is sampled: fill mode, interpolation and fill value. */
  protected abstract sampling(): [FillMode, Interpolation, number];

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return [...(inputShape as LayerShape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = imageOf(this, inputs);
    if (!kwargs?.training) return tf.clone(x);
    const [b, h, w] = x.shape;
    const affines = Array.from({ length: b }, () => this.draw(h, w));
    return affineSample(x, affines, ...this.sampling());
  }
}

/** A pixel mover with Keras's fill settings (fillMode, interpolation, fillValue). */
abstract class AffineAugmentation extends PixelMover {
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;

  constructor(config: FillConfig) {
    super({ name: config.name, trainable: config.trainable });
    this.fillMode = config.fillMode ?? 'reflect';
    this.interpolation = config.interpolation ?? 'bilinear';
    this.fillValue = config.fillValue ?? 0;
  }

  protected sampling(): [FillMode, Interpolation, number] {
    return [this.fillMode, this.interpolation, this.fillValue];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}

/** Keras's RandomFlip: per image, mirrored left-right and/or upside down with probability 1/2 each. */
export class RandomFlip extends PixelMover {
  static readonly className = 'RandomFlip';
  readonly mode: 'horizontal_and_vertical' | 'horizontal' | 'vertical';

  constructor(config: { mode?: RandomFlip['mode']; name?: string; trainable?: boolean }) {
    super({ name: config.name, trainable: config.trainable });
    this.mode = config.mode ?? 'horizontal_and_vertical';
  }

  protected draw(h: number, w: number): Affine {
    const fx = this.mode !== 'vertical' && Math.random() < 0.5;
    const fy = this.mode !== 'horizontal' && Math.random() < 0.5;
    return [fx ? -1 : 1, 0, fx ? w - 1 : 0, 0, fy ? -1 : 1, fy ? h - 1 : 0];
  }

  /** A mirror maps pixels onto pixels: nothing to interpolate or fill. */
  protected sampling(): [FillMode, Interpolation, number] {
    return ['nearest', 'nearest', 0];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}

/** Keras's RandomRotation: per image an angle uniform in ± factor × 360°, about the centre. */
export class RandomRotation extends AffineAugmentation {
  static readonly className = 'RandomRotation';
  readonly factor: number;

  constructor(config: FillConfig & { factor: number }) {
    super(config);
    this.factor = config.factor;
  }

  protected draw(h: number, w: number): Affine {
    const angle = (uniform(-this.factor, this.factor) * 360 * Math.PI) / 180;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const cx = 0.5 * (w - 1);
    const cy = 0.5 * (h - 1);
    return [cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

/** An affine augmentation drawn from a factor along the height and one along the width. */
abstract class HeightWidthAugmentation extends AffineAugmentation {
  readonly heightFactor: number;
  readonly widthFactor: number;

  constructor(config: FillConfig & { heightFactor: number; widthFactor: number }) {
    super(config);
    this.heightFactor = config.heightFactor;
    this.widthFactor = config.widthFactor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor };
  }
}

/** Keras's RandomZoom: per image zoom factors 1 + uniform(± factor) (above 1: zoomed out), about the centre. */
export class RandomZoom extends HeightWidthAugmentation {
  static readonly className = 'RandomZoom';

  protected draw(h: number, w: number): Affine {
    const zy = 1 + uniform(-this.heightFactor, this.heightFactor);
    const zx = 1 + uniform(-this.widthFactor, this.widthFactor);
    return [zx, 0, ((w - 1) / 2) * (1 - zx), 0, zy, ((h - 1) / 2) * (1 - zy)];
  }
}

/** Keras's RandomTranslation: per image a shift of uniform(± factor) × the height and width. */
export class RandomTranslation extends HeightWidthAugmentation {
  static readonly className = 'RandomTranslation';

  protected draw(h: number, w: number): Affine {
    const dy = uniform(-this.heightFactor, this.heightFactor) * h;
    const dx = uniform(-this.widthFactor, this.widthFactor) * w;
    return [1, 0, -dx, 0, 1, -dy];
  }
}

/** Keras 3's RandomContrast: per image (x - mean) × c + mean, c uniform in [1, 1 + factor], clipped to the value range. */
export class RandomContrast extends tf.layers.Layer {
  static readonly className = 'RandomContrast';
  readonly factor: number;
  readonly valueRange: [number, number];

  constructor(config: { factor: number; valueRange?: [number, number]; name?: string; trainable?: boolean }) {
    super({ name: config.name, trainable: config.trainable });
    this.factor = config.factor;
    this.valueRange = config.valueRange ?? [0, 255];
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return [...(inputShape as LayerShape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = imageOf(this, inputs);
    if (!kwargs?.training) return tf.clone(x);
    const factors = Array.from({ length: x.shape[0] }, () => uniform(1, 1 + this.factor));
    return tf.tidy(() => {
      const mean = tf.mean(x, [1, 2], true);
      const c = tf.tensor4d(factors, [x.shape[0], 1, 1, 1]);
      return tf.clipByValue(tf.add(tf.mul(tf.sub(x, mean), c), mean), this.valueRange[0], this.valueRange[1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor, valueRange: this.valueRange };
  }
}

/**
 * Keras's RandomCrop: while training (input larger than the crop) one random window of the
 * whole batch; otherwise the largest centred window of the crop's aspect ratio, resized
 * (bilinear, half-pixel centres) to height × width, as Keras 2's smart_resize.
 */
export class RandomCrop extends tf.layers.Layer {
  static readonly className = 'RandomCrop';
  readonly height: number;
  readonly width: number;

  constructor(config: { height: number; width: number; name?: string; trainable?: boolean }) {
    super({ name: config.name, trainable: config.trainable });
    this.height = config.height;
    this.width = config.width;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const s = inputShape as LayerShape;
    return [s[0] ?? null, this.height, this.width, s[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = imageOf(this, inputs);
    const [, h, w] = x.shape;
    if (kwargs?.training && h > this.height && w > this.width) {
      const top = Math.floor(Math.random() * (h - this.height + 1));
      const left = Math.floor(Math.random() * (w - this.width + 1));
      return tf.slice(x, [0, top, left, 0], [-1, this.height, this.width, -1]);
    }
    const [top, left, ch, cw] = centreWindow(h, w, this.height, this.width);
    return tf.tidy(() => {
      const window = tf.slice(x, [0, top, left, 0], [-1, ch, cw, -1]);
      return ch === this.height && cw === this.width ? window : tf.image.resizeBilinear(window as tf.Tensor4D, [this.height, this.width], false, true);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

export const AUGMENTATION_LAYERS = [RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomCrop] as const;
