#!/usr/bin/env python3
"""PyTorch (Debian python3-torch 1.13, one thread) throughput for the bench/ models.

Prints a JSON list of rows {engine, model, batch, samplesPerSec, samplesPerCpuSec, runs, load} on stdout,
measured the way bench/train-throughput.ts measures tfjs: fixed random batch, Adam,
2 warm-up steps, then `repeats` runs of at least `seconds` (and 3 steps) each; median.
"""
import argparse
import json
import os
import statistics
import time

import torch
from torch import nn

torch.set_num_threads(1)

VOCAB, SEQ = 10_000, 100


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
        net = nn.Sequential(
            nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 5 * 5, 10))
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
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

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
    return {'engine': 'pytorch-1t', 'model': model_id, 'batch': batch,
            'samplesPerSec': statistics.median(runs), 'samplesPerCpuSec': statistics.median(cpu_runs),
            'runs': runs, 'load': load}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--models', default='mlp,cnn,lstm,gru')
    p.add_argument('--batches', default='64,128')
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--seconds', type=float, default=2)
    a = p.parse_args()
    families = {'mlp', 'cnn', 'lstm', 'gru'}
    models = [m for m in a.models.split(',') if m in families]
    rows = [measure(m, int(b), a.repeats, a.seconds) for m in models for b in a.batches.split(',')]
    print(json.dumps(rows))


if __name__ == '__main__':
    main()
