#!/usr/bin/env python3
"""Training throughput of the speed peers on the bench/ models: PyTorch and Keras 3 (TensorFlow).

  python bench/peers.py --engine torch|keras --threads N [--models mlp,cnn,lstm,gru]
                        [--batches 64] [--repeats 3] [--seconds 2]

Prints a JSON list of rows {engine, model, batch, samplesPerSec, samplesPerCpuSec, runs, load,
version, threads} on stdout, measured the way bench/train-throughput.ts measures Netwright: a
fixed random batch, Adam (lr 1e-3), 2 warm-up steps, then `repeats` runs of at least `seconds`
(and 3 steps) each; the median. Models (same shapes and parameter counts as Netwright's):
  mlp   Dense 784-128 relu, Dense 10
  cnn   Conv 3x3x16 relu, MaxPool 2, Conv 3x3x32 relu, MaxPool 2, Flatten, Dense 10 (28x28x1)
  lstm  Embedding(10000, 32), LSTM(32), Dense 2; sequences of 100 tokens
  gru   the same with GRU(32) (reset-after: PyTorch's and Keras's default, and Netwright's)
"""
import argparse
import json
import os
import statistics
import sys
import time

VOCAB, SEQ = 10_000, 100


def timed(step, batch, repeats, seconds):
    for _ in range(2):
        step()
    load = os.getloadavg()[0]
    runs, cpu_runs = [], []
    for _ in range(repeats):
        steps, t0, c0 = 0, time.perf_counter(), time.process_time()
        while steps < 3 or time.perf_counter() - t0 < seconds:
            step()
            steps += 1
        runs.append(steps * batch / (time.perf_counter() - t0))
        cpu_runs.append(steps * batch / max(1e-6, time.process_time() - c0))
    return {'samplesPerSec': statistics.median(runs), 'samplesPerCpuSec': statistics.median(cpu_runs), 'runs': runs, 'load': load}


def torch_engine(threads):
    import torch
    from torch import nn
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:
        pass

    class Text(nn.Module):
        def __init__(self, cell):
            super().__init__()
            self.emb = nn.Embedding(VOCAB, 32)
            self.rnn = cell(32, 32, batch_first=True)
            self.out = nn.Linear(32, 2)

        def forward(self, x):
            h, _ = self.rnn(self.emb(x))
            return self.out(h[:, -1])

    def build(model_id):
        if model_id == 'mlp':
            return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)), lambda b: (torch.rand(b, 784), torch.randint(0, 10, (b,)))
        if model_id == 'cnn':
            net = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 5 * 5, 10))
            return net, lambda b: (torch.rand(b, 1, 28, 28), torch.randint(0, 10, (b,)))
        cell = {'lstm': nn.LSTM, 'gru': nn.GRU}[model_id]
        return Text(cell), lambda b: (torch.randint(0, VOCAB, (b, SEQ)), torch.randint(0, 2, (b,)))

    def measure(model_id, batch, repeats, seconds):
        net, data = build(model_id)
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        loss_fn = nn.CrossEntropyLoss()
        x, y = data(batch)

        def step():
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()

        return timed(step, batch, repeats, seconds)

    return f'pytorch-{torch.__version__.split("+")[0]}', torch.__version__, measure


def keras_engine(threads):
    os.environ.setdefault('KERAS_BACKEND', 'tensorflow')
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    import keras
    from keras import layers

    def build(model_id):
        if model_id == 'mlp':
            m = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation='relu'), layers.Dense(10, activation='softmax')])
            return m, lambda b: (np.random.rand(b, 784).astype('float32'), np.random.randint(0, 10, (b,)))
        if model_id == 'cnn':
            m = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation='relu'), layers.MaxPooling2D(2), layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10, activation='softmax')])
            return m, lambda b: (np.random.rand(b, 28, 28, 1).astype('float32'), np.random.randint(0, 10, (b,)))
        rnn = {'lstm': layers.LSTM, 'gru': layers.GRU}[model_id]
        m = keras.Sequential([keras.Input((SEQ,), dtype='int32'), layers.Embedding(VOCAB, 32), rnn(32), layers.Dense(2, activation='softmax')])
        return m, lambda b: (np.random.randint(0, VOCAB, (b, SEQ)).astype('int32'), np.random.randint(0, 2, (b,)))

    def measure(model_id, batch, repeats, seconds):
        net, data = build(model_id)
        net.compile(optimizer=keras.optimizers.Adam(1e-3), loss='sparse_categorical_crossentropy')
        x, y = data(batch)
        return timed(lambda: net.train_on_batch(x, y), batch, repeats, seconds)

    return f'keras-{keras.__version__}-tf-{tf.__version__}', f'keras {keras.__version__}, tensorflow {tf.__version__}', measure


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--engine', choices=['torch', 'keras'], required=True)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--models', default='mlp,cnn,lstm,gru')
    p.add_argument('--batches', default='64')
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--seconds', type=float, default=2)
    a = p.parse_args()
    name, version, measure = (torch_engine if a.engine == 'torch' else keras_engine)(a.threads)
    families = ['mlp', 'cnn', 'lstm', 'gru']
    rows = []
    for m in [m for m in a.models.split(',') if m in families]:
        for b in a.batches.split(','):
            r = measure(m, int(b), a.repeats, a.seconds)
            rows.append({'engine': f'{name}-{a.threads}t', 'model': m, 'batch': int(b), 'version': version, 'threads': a.threads, **r})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(json.dumps(rows))


if __name__ == '__main__':
    main()
