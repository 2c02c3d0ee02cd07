/**
 * Training throughput (samples/s) of four reference models on every tfjs backend that loads
 * (native TensorFlow where `netwright setup native` built it, WebAssembly, plain JS), next to the
 * speed peers users would pick instead, measured in the same run: pip PyTorch (1 and 2 threads)
 * and Keras 3 on TensorFlow (2 threads), and Debian's PyTorch 1.13 as an extra row.
 *
 *   npm run bench -- [--backends tensorflow,wasm,cpu] [--models mlp,cnn,lstm,gru] [--batches 64]
 *                    [--repeats 3] [--seconds 2] [--python PATH] [--no-peers] [--json out.json]
 *
 * Each number is the median of `repeats` timed runs; a run trains on a fixed random batch for at
 * least `seconds` (and at least 3 steps) after 2 warm-up steps, with Adam (lr 1e-3). The peers
 * (bench/peers.py) run the same way in a Python found from --python, NETWRIGHT_BENCH_PYTHON, the
 * Python whose TensorFlow the native add-on was built against, or python3. Machine load is printed
 * with each row, since this machine may be shared; samples per CPU-second of the process are
 * printed too (much less affected by other processes than wall-clock time, but blind to threads
 * waiting for a core).
 */
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmBinaryDir } from '../main/trainer/backend-loader';
import { registerNetwrightKernels } from '../main/trainer/kernels';
import { loadNativeAddon, nativeDir, readManifest } from '../main/trainer/native/native-addon';
import { trainStepFor, type TrainStep } from '../main/trainer/train-step';
import { benchOptimizer, BENCH_MODELS, type BenchModel } from './models';

interface Options {
  backends: string[];
  models: string[];
  batches: number[];
  repeats: number;
  seconds: number;
  peers: boolean;
  python: string | null;
  json: string | null;
}

const FAMILIES = ['mlp', 'cnn', 'lstm', 'gru'];

function parseArgs(argv: string[]): Options {
  const opts: Options = { backends: ['tensorflow', 'wasm', 'cpu'], models: [...FAMILIES], batches: [64], repeats: 3, seconds: 2, peers: true, python: null, json: null };
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
    else if (a === '--no-peers' || a === '--no-torch') opts.peers = false;
    else if (a === '--python') opts.python = next();
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
  /** Median over runs of samples per second of this process's CPU time. */
  readonly samplesPerCpuSec: number;
  readonly runs: number[];
  /** 1-minute load average when the row started. */
  readonly load: number;
  readonly version?: string;
  readonly threads?: number;
  /** Netwright's rows: 'compiled' (the step is one TensorFlow function) or 'layers' (tfjs's trainOnBatch). */
  readonly step?: 'compiled' | 'layers';
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function oneRun(step: TrainStep, x: tf.Tensor, y: tf.Tensor, batch: number, seconds: number): Promise<{ wall: number; cpu: number }> {
  let steps = 0;
  const t0 = performance.now();
  const c0 = cpuMs();
  while (steps < 3 || performance.now() - t0 < seconds * 1000) {
    await step.run(x, y);
    steps++;
  }
  return { wall: (steps * batch * 1000) / (performance.now() - t0), cpu: (steps * batch * 1000) / Math.max(1e-3, cpuMs() - c0) };
}

async function measure(spec: BenchModel, batch: number, opts: Options): Promise<{ runs: number[]; cpuRuns: number[]; load: number; step: TrainStep['kind'] }> {
  const model = spec.build();
  model.compile({ optimizer: benchOptimizer(), loss: 'categoricalCrossentropy' });
  // The step training uses (train.ts): compiled into one TensorFlow function where the model allows.
  const step = trainStepFor(model, { loss: 'categoricalCrossentropy', withAccuracy: false, oneHotTargets: true });
  const [x, y] = spec.data(batch);
  try {
    for (let i = 0; i < 2; i++) await step.run(x, y);
    const load = os.loadavg()[0] ?? 0;
    const runs: number[] = [];
    const cpuRuns: number[] = [];
    for (let r = 0; r < opts.repeats; r++) {
      const { wall, cpu } = await oneRun(step, x, y, batch, opts.seconds);
      runs.push(wall);
      cpuRuns.push(cpu);
    }
    return { runs, cpuRuns, load, step: step.kind };
  } finally {
    x.dispose();
    y.dispose();
    model.optimizer?.dispose();
    model.dispose();
  }
}

/** Makes a backend current; for `tensorflow`, loads the add-on `netwright setup native` built. */
async function useBackend(backend: string): Promise<string | null> {
  try {
    if (backend === 'tensorflow') loadNativeAddon();
    const ok = await tf.setBackend(backend);
    if (!ok) return 'does not initialize here';
    await tf.ready();
    registerNetwrightKernels(backend);
    return null;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'failed';
  }
}

function peersScript(): string {
  const beside = path.resolve(__dirname, '../../bench/peers.py');
  return fs.existsSync(beside) ? beside : path.resolve('bench/peers.py');
}

/** The Python with the peers: --python, NETWRIGHT_BENCH_PYTHON, the native add-on's TensorFlow's Python, python3. */
function peersPython(opts: Options): string {
  if (opts.python) return opts.python;
  const env = process.env['NETWRIGHT_BENCH_PYTHON'];
  if (env) return env;
  try {
    const python = readManifest(nativeDir()).tensorflow.python;
    if (python) return python;
  } catch {
    // No native set-up: python3.
  }
  return 'python3';
}

function peerRows(python: string, engine: 'torch' | 'keras', threads: number, opts: Options): Row[] {
  const args = [peersScript(), '--engine', engine, '--threads', String(threads), '--models', opts.models.filter((m) => FAMILIES.includes(m)).join(','), '--batches', opts.batches.join(','), '--repeats', String(opts.repeats), '--seconds', String(opts.seconds)];
  const res = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  if (res.status !== 0) {
    const why = (res.stderr || res.stdout || res.error?.message || 'failed').trim().split('\n').pop() ?? '';
    process.stdout.write(`${engine} (${threads} thread${threads > 1 ? 's' : ''}) with ${python}: skipped (${why.slice(0, 200)})\n`);
    return [];
  }
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '[]') as Row[];
}

function printRow(row: Row): void {
  process.stdout.write(
    `${row.engine.padEnd(30)} ${row.model.padEnd(10)} batch ${String(row.batch).padStart(3)}  ${fmt(row.samplesPerSec).padStart(8)} samples/s  ${fmt(row.samplesPerCpuSec).padStart(8)} per CPU-s  (${row.step ? `${row.step} step; ` : ''}runs ${row.runs.map(fmt).join(', ')}; load ${row.load.toFixed(2)})\n`,
  );
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

const familyOf = (model: string): string => BENCH_MODELS.find((m) => m.id === model)?.family ?? model;

/** Per model family and batch: Netwright's best engine against the best peer. */
function ratioTable(rows: readonly Row[]): string {
  const ours = rows.filter((r) => r.engine.startsWith('tfjs-'));
  const peers = rows.filter((r) => !r.engine.startsWith('tfjs-'));
  const best = (rs: readonly Row[]): Row | undefined => [...rs].sort((a, b) => b.samplesPerSec - a.samplesPerSec)[0];
  const lines = ['| model | batch | Netwright best (engine) | best peer (engine) | ratio |', '|---|---|---|---|---|'];
  for (const family of FAMILIES) {
    for (const batch of [...new Set(rows.map((r) => r.batch))]) {
      const o = best(ours.filter((r) => familyOf(r.model) === family && r.batch === batch));
      const p = best(peers.filter((r) => r.model === family && r.batch === batch));
      if (!o || !p) continue;
      lines.push(`| ${family} | ${batch} | ${fmt(o.samplesPerSec)} (${o.engine} ${o.model}) | ${fmt(p.samplesPerSec)} (${p.engine}) | ${(o.samplesPerSec / p.samplesPerSec).toFixed(2)}x |`);
    }
  }
  return lines.join('\n');
}

/** One markdown table: a row per model, a column per engine (samples/s, wall-clock). */
function markdownTable(rows: readonly Row[]): string {
  const engines = [...new Set(rows.map((r) => r.engine))];
  const models = [...new Set(rows.map((r) => `${r.model}@${r.batch}`))];
  const lines = [`| model | batch | ${engines.join(' | ')} |`, `|---|---|${engines.map(() => '---|').join('')}`];
  for (const key of models) {
    const [model, batch] = key.split('@') as [string, string];
    const cells = engines.map((e) => {
      const r = rows.find((x) => x.engine === e && x.model === model && String(x.batch) === batch);
      return r ? fmt(r.samplesPerSec) : '';
    });
    lines.push(`| ${model} | ${batch} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  setWasmPaths(wasmBinaryDir() + path.sep);
  const rows: Row[] = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const startLoad = os.loadavg();
  process.stdout.write(`Machine: ${os.cpus().length} cores, ${cpu}, Node ${process.version}, tfjs ${tf.version_core}; load ${startLoad.map((l) => l.toFixed(2)).join(' ')}\n`);
  for (const backend of opts.backends) {
    const why = await useBackend(backend);
    if (why) {
      process.stdout.write(`tfjs-${backend}: not measured (${why})\n`);
      continue;
    }
    for (const spec of BENCH_MODELS.filter((m) => opts.models.includes(m.id))) {
      if (spec.skip?.(backend)) continue;
      for (const batch of opts.batches) {
        const { runs, cpuRuns, load, step } = await measure(spec, batch, opts);
        const row: Row = { engine: `tfjs-${backend}`, model: spec.id, batch, samplesPerSec: median(runs), samplesPerCpuSec: median(cpuRuns), runs, load, step };
        rows.push(row);
        printRow(row);
      }
    }
  }
  if (opts.peers) {
    const python = peersPython(opts);
    const runs: [string, 'torch' | 'keras', number][] = [
      [python, 'torch', 1],
      [python, 'torch', 2],
      [python, 'keras', 2],
    ];
    // Debian's PyTorch 1.13, where installed, as an extra row.
    if (fs.existsSync('/usr/bin/python3') && path.resolve(python) !== '/usr/bin/python3') runs.push(['/usr/bin/python3', 'torch', 1]);
    for (const [py, engine, threads] of runs) {
      for (const row of peerRows(py, engine, threads, opts)) {
        const named = py === '/usr/bin/python3' && py !== python ? { ...row, engine: `debian-${row.engine}` } : row;
        rows.push(named);
        printRow(named);
      }
    }
  }
  process.stdout.write(`\nSamples/s (wall-clock), batch as given:\n\n${markdownTable(rows)}\n`);
  process.stdout.write(`\nNetwright's best engine against the best peer:\n\n${ratioTable(rows)}\n`);
  const endLoad = os.loadavg();
  process.stdout.write(`\nLoad average at the end: ${endLoad.map((l) => l.toFixed(2)).join(' ')}\n`);
  if (opts.json) {
    fs.writeFileSync(opts.json, `${JSON.stringify({ machine: { cores: os.cpus().length, cpu, node: process.version, loadStart: startLoad, loadEnd: endLoad }, rows }, null, 2)}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
