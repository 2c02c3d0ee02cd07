/**
 * Training throughput (samples/s) of four reference models on every tfjs backend that loads,
 * next to Debian's PyTorch (one thread) on the same models where it is installed.
 *
 *   npm run bench -- [--backends wasm,cpu] [--models mlp,cnn,lstm,gru] [--batches 64,128]
 *                    [--repeats 3] [--seconds 2] [--no-torch] [--json out.json]
 *
 * Each number is the median of `repeats` timed runs; a run trains on fixed random data for at
 * least `seconds` (and at least 3 steps) after 2 warm-up steps. Machine load is printed with
 * each row, since this machine is shared; samples per CPU-second of the process (user + system)
 * are printed too, as they suffer much less from other processes than wall-clock time.
 */
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmBinaryDir } from '../main/trainer/backend-loader';
import { registerNetwrightKernels } from '../main/trainer/kernels';
import { BENCH_MODELS, type BenchModel } from './models';

interface Options {
  backends: string[];
  models: string[];
  batches: number[];
  repeats: number;
  seconds: number;
  torch: boolean;
  json: string | null;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { backends: ['wasm', 'cpu'], models: BENCH_MODELS.map((m) => m.id), batches: [64, 128], repeats: 3, seconds: 2, torch: true, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--backends') opts.backends = next().split(',');
    else if (a === '--models') opts.models = next().split(',');
    else if (a === '--batches') opts.batches = next().split(',').map(Number);
    else if (a === '--repeats') opts.repeats = Number(next());
    else if (a === '--seconds') opts.seconds = Number(next());
    else if (a === '--no-torch') opts.torch = false;
    else if (a === '--json') opts.json = next();
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

export interface Row {
  readonly engine: string;
  readonly model: string;
  readonly batch: number;
  /** Median over runs of samples per wall-clock second. */
  readonly samplesPerSec: number;
  /** Median over runs of samples per second of this process's CPU time (robust to a busy machine). */
  readonly samplesPerCpuSec: number;
  readonly runs: number[];
  readonly load: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function oneRun(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batch: number, seconds: number): Promise<{ wall: number; cpu: number }> {
  let steps = 0;
  const t0 = performance.now();
  const c0 = cpuMs();
  while (steps < 3 || performance.now() - t0 < seconds * 1000) {
    await model.trainOnBatch(x, y);
    steps++;
  }
  return { wall: (steps * batch * 1000) / (performance.now() - t0), cpu: (steps * batch * 1000) / Math.max(1e-3, cpuMs() - c0) };
}

async function measure(spec: BenchModel, batch: number, opts: Options): Promise<{ runs: number[]; cpuRuns: number[]; load: number }> {
  const model = spec.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const [x, y] = spec.data(batch);
  try {
    for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
    const load = os.loadavg()[0] ?? 0;
    const runs: number[] = [];
    const cpuRuns: number[] = [];
    for (let r = 0; r < opts.repeats; r++) {
      const { wall, cpu } = await oneRun(model, x, y, batch, opts.seconds);
      runs.push(wall);
      cpuRuns.push(cpu);
    }
    return { runs, cpuRuns, load };
  } finally {
    x.dispose();
    y.dispose();
    model.optimizer?.dispose();
    model.dispose();
  }
}

function torchRows(opts: Options): Row[] {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python)) return [];
  const script = path.resolve(__dirname, '../../bench/torch_reference.py');
  const scriptPath = fs.existsSync(script) ? script : path.resolve('bench/torch_reference.py');
  const res = spawnSync(python, [scriptPath, '--models', opts.models.join(','), '--batches', opts.batches.join(','), '--repeats', String(opts.repeats), '--seconds', String(opts.seconds)], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (res.status !== 0) {
    process.stdout.write(`PyTorch reference skipped: ${(res.stderr || res.stdout || 'failed').trim().split('\n').pop() ?? ''}\n`);
    return [];
  }
  return JSON.parse(res.stdout) as Row[];
}

function printRow(row: Row): void {
  process.stdout.write(
    `${row.engine.padEnd(12)} ${row.model.padEnd(10)} batch ${String(row.batch).padStart(3)}  ${fmt(row.samplesPerSec).padStart(8)} samples/s  ${fmt(row.samplesPerCpuSec).padStart(8)} per CPU-s  (runs ${row.runs.map(fmt).join(', ')}; load ${row.load.toFixed(2)})\n`,
  );
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  setWasmPaths(wasmBinaryDir() + path.sep);
  const rows: Row[] = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`Machine: ${os.cpus().length} cores, ${cpu}, Node ${process.version}, tfjs ${tf.version_core}\n`);
  for (const backend of opts.backends) {
    const ok = await tf.setBackend(backend).catch(() => false);
    if (!ok) {
      process.stdout.write(`${backend}: does not load here, skipped\n`);
      continue;
    }
    await tf.ready();
    registerNetwrightKernels(backend);
    for (const spec of BENCH_MODELS.filter((m) => opts.models.includes(m.id) || opts.models.includes(m.family))) {
      if (spec.skip?.(backend)) continue;
      for (const batch of opts.batches) {
        const { runs, cpuRuns, load } = await measure(spec, batch, opts);
        const row: Row = { engine: `tfjs-${backend}`, model: spec.id, batch, samplesPerSec: median(runs), samplesPerCpuSec: median(cpuRuns), runs, load };
        rows.push(row);
        printRow(row);
      }
    }
  }
  if (opts.torch) {
    const torch = torchRows(opts);
    for (const row of torch) {
      rows.push(row);
      printRow(row);
    }
    if (torch.length > 0) {
      process.stdout.write('\nRatio to PyTorch (1 thread), same model family and batch:\n');
      for (const row of rows.filter((r) => r.engine.startsWith('tfjs-'))) {
        const family = BENCH_MODELS.find((m) => m.id === row.model)?.family ?? row.model;
        const ref = torch.find((t) => t.model === family && t.batch === row.batch);
        if (ref) {
          const wall = (row.samplesPerSec / ref.samplesPerSec).toFixed(2);
          const cpu = (row.samplesPerCpuSec / ref.samplesPerCpuSec).toFixed(2);
          process.stdout.write(`  ${row.engine.padEnd(12)} ${row.model.padEnd(10)} batch ${String(row.batch).padStart(3)}  ${wall}x wall-clock, ${cpu}x per CPU-second\n`);
        }
      }
    }
  }
  if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify({ machine: { cores: os.cpus().length, cpu, node: process.version }, rows }, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
