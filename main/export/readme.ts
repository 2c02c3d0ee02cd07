import { DROPPED_IN_ONNX } from './lowering/augmentation';
import type { ExportFormat } from '../../shared/export/result';
import type { ModelInfo } from './model-info';
import { pyString } from './python-literal';
import { jsLiteral } from './js-literal';

/**
 * Project text in the README's prose: one line (no line break, control or format character can
 * start a heading or a code block of its own), at most 200 characters. Code blocks take names
 * through pyString / jsLiteral.
 */
export function markdownLine(s: string): string {
  const line = s.replace(/[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]+/gu, ' ');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

const shapeText = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;

/** A few lines saying what the preprocessing is, from the run's record. */
export function preprocessingText(p: Record<string, unknown> | null): string {
  if (!p) {
    return 'No preprocessing was recorded (the model was exported without a training run, or the run predates records): feed inputs as the Input layers describe them.';
  }
  const classes = Array.isArray(p['classNames']) && p['classNames'].length ? `Class names, in output order: ${markdownLine((p['classNames'] as unknown[]).map(String).join(', '))}.` : '';
  switch (p['kind']) {
    case 'image':
      return `Images of ${String(p['height'])} x ${String(p['width'])} pixels with ${String(p['channels'])} channel(s); pixel values are divided by ${String(p['scale'])} before they enter the model. ${classes}`;
    case 'text':
      return (
        `Text is lower-cased, \`<br />\` removed and split on non-letters; each word becomes its index in \`vocabulary\` ` +
        `(0 pads, 1 is \`<unk>\` for words not in it), cut or padded to ${String(p['sequenceLength'])} tokens ` +
        `(truncate ${String(p['truncate'])}, pad ${String(p['padding'])}). ${classes}`
      );
    case 'tabular':
      return `Each numeric column is standardized, (value - mean) / std, and each categorical one one-hot encoded, in the column order of preprocessing.json. ${p['target'] ? 'Regression outputs are scaled back with the target\'s mean and std.' : ''} ${classes}`;
    default:
      return 'See preprocessing.json.';
  }
}

function inputsText(info: ModelInfo): string {
  return info.inputs.map((i) => `- \`${i.name}\`: ${i.dtype} ${shapeText(i.shape)}`).join('\n');
}

const EXAMPLES: Record<ExportFormat, (info: ModelInfo) => string> = {
  tfjs: (info) => `\`\`\`js
const tf = require('@tensorflow/tfjs');           // or @tensorflow/tfjs-node
require('./netwright-layers.js')(tf);             // Netwright's custom layers, if the model uses any
const model = await tf.loadLayersModel(tf.io.fromMemory(/* model.json + weights.bin */));
// in a browser: await tf.loadLayersModel('model.json')
const x = tf.zeros(${jsLiteral([1, ...(info.inputs[0]?.shape.slice(1).map((d) => d ?? 16) ?? [])])}${info.inputs[0]?.dtype === 'int32' ? `, ${jsLiteral('int32')}` : ''});
model.predict(x).print();
\`\`\`
With tfjs-node, \`tf.loadLayersModel('file://./model.json')\` reads the files directly.`,
  onnx: (info) => `\`\`\`python
import numpy as np, onnxruntime as ort
session = ort.InferenceSession("model.onnx")
x = np.zeros((1, ${info.inputs[0]?.shape.slice(1).map((d) => d ?? 16).join(', ') ?? ''}), dtype=np.${info.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32'})
print(session.run(None, {${pyString(info.inputs[0]?.name ?? 'input')}: x})[0])
\`\`\`
In Node: \`const ort = require('onnxruntime-node'); const s = await ort.InferenceSession.create('model.onnx');\`.
Tensors are channels-last as in Keras ([batch, height, width, channels]).`,
  keras: (info) => `\`\`\`python
import numpy as np
from model import build_model
model = build_model()          # the layers, with weights.h5 loaded
x = np.zeros((1, ${info.inputs[0]?.shape.slice(1).map((d) => d ?? 16).join(', ') ?? ''}), dtype=${pyString(info.inputs[0]?.dtype ?? 'float32')})
print(model.predict(x))
\`\`\`
Written for Keras 3 (\`pip install keras\` with a backend such as TensorFlow, JAX or PyTorch).
\`weights.h5\` is in Keras's HDF5 layout (a group per layer, \`layer_names\` / \`weight_names\` attributes).`,
  pytorch: (info) => `\`\`\`python
import torch
from model import load_model
model = load_model()           # weights.npz loaded, eval mode
x = torch.zeros(1, ${info.inputs[0]?.shape.slice(1).map((d) => d ?? 16).join(', ') ?? ''}${info.inputs[0]?.dtype === 'int32' ? ', dtype=torch.long' : ''})
with torch.no_grad():
    print(model(x))
\`\`\`
Needs only torch (1.13 or newer) and numpy. \`python model.py inputs.npz outputs.npz\` predicts arrays saved with \`np.savez\`.
On a GPU (\`model.to('cuda')\`) results differ from the CPU's by up to about 1e-3 where PyTorch uses TF32 for
convolutions (Ampere and newer; measured 4.6e-4 on an H100): set \`torch.backends.cudnn.allow_tf32 = False\` and
\`torch.backends.cuda.matmul.allow_tf32 = False\` for full float32 precision.`,
  torchrun: () => `\`\`\`sh
# 2 processes on this machine (nccl when there is a CUDA GPU for each process, else gloo on the CPU; --cpu forces gloo)
torchrun --nproc_per_node=2 train.py --data /path/to/data --epochs 2
# or without torchrun: python3 -m torch.distributed.run --nproc_per_node=2 train.py ...
# Debian's torch 1.13 on Python 3.11 also needs: --master_addr=127.0.0.1 --master_port=29500 --redirects 1 --tee 1
\`\`\`
Checkpoints go to \`--checkpoint-dir\` (default \`checkpoints/\`) after every epoch; running the same command
again resumes from the last one. Metrics are printed as one JSON object per epoch.`,
};

const FROZEN_HOW: Record<ExportFormat, string> = {
  tfjs: 'model.json says `"trainable": false` in their config, so `model.fit` leaves them as they are.',
  onnx: 'ONNX has no trainable flag (the file is an inference graph), so this is noted here only: keep these layers fixed if you train the model further elsewhere.',
  keras: '`build_model()` sets `trainable = False` on them after loading the weights (a frozen BatchNormalization then runs in inference mode).',
  pytorch: '`NetwrightModel` calls `requires_grad_(False)` on their parameters, and keeps frozen BatchNormalization layers in `eval()` mode even in `model.train()`.',
  torchrun: '`train.py` calls `requires_grad_(False)` on their parameters and keeps frozen BatchNormalization layers in `eval()` mode.',
};

/** The README's section on frozen layers (params.trainable false), or nothing. */
function frozenText(format: ExportFormat, info: ModelInfo): string {
  const frozen = info.layers.filter((l) => l.weights.length > 0 && l.params['trainable'] === false);
  if (frozen.length === 0) return '';
  return `
## Frozen layers
Trainable was off in Netwright for ${frozen.length} layer${frozen.length === 1 ? '' : 's'}: ${frozen.map((l) => `\`${markdownLine(l.name)}\``).join(', ')}.
${FROZEN_HOW[format]}
`;
}

export function readme(format: ExportFormat, title: string, info: ModelInfo, runId: string | null, preprocessing: Record<string, unknown> | null, files: readonly string[], extra = ''): string {
  const what: Record<ExportFormat, string> = {
    tfjs: 'a TensorFlow.js LayersModel',
    onnx: 'an ONNX model (opset 17)',
    keras: 'a Keras model (Python source + HDF5 weights)',
    pytorch: 'a PyTorch nn.Module (Python source + NumPy weights)',
    torchrun: 'a PyTorch DistributedDataParallel training script',
  };
  return `# ${markdownLine(title)}: ${what[format]}

Exported from Netwright ${runId ? `with the trained weights of run \`${runId}\`` : 'with fresh (untrained) weights'}.
${info.layers.length} layers, ${info.totalParams.toLocaleString('en-US')} parameters (as Keras counts them).

## Files
${files.map((f) => `- \`${f}\``).join('\n')}

## Inputs and outputs
${inputsText(info)}
- outputs: ${info.outputShapes.map(shapeText).join(', ')}

## Preprocessing
${preprocessingText(preprocessing)}
${preprocessing ? 'The full record (vocabulary, statistics, class names) is in `preprocessing.json`.' : ''}

## Predict
${EXAMPLES[format](info)}
${frozenText(format, info)}${format === 'onnx' ? augmentationNote(info) : ''}${extra}`;
}

/** ONNX is for inference: it leaves out the layers that only act while training (augmentation). */
function augmentationNote(info: ModelInfo): string {
  const dropped = info.layers.filter((l) => DROPPED_IN_ONNX.has(l.type));
  const crops = info.layers.filter((l) => l.type === 'RandomCrop');
  if (dropped.length === 0 && crops.length === 0) return '';
  const names = (ls: readonly { name: string; type: string }[]) => ls.map((l) => `\`${markdownLine(l.name)}\` (${l.type})`).join(', ');
  return `
## Augmentation left out
ONNX is an inference format, and augmentation acts only while training.${dropped.length ? ` The identity at inference, these layers are not in model.onnx: ${names(dropped)}.` : ''}${
    crops.length ? ` ${names(crops)} ${crops.length === 1 ? 'is' : 'are'} kept as at inference: the centred window, resized to the crop's size.` : ''
  } To train with augmentation, use the Keras or PyTorch export (PyTorch: the modules augment in \`train()\` and pass through in \`eval()\`).
`;
}
