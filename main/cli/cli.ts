import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TrainingSettingsSchema, type ProjectDoc } from '../../shared/graph/document';
import type { TrainEvent } from '../../shared/training/events';
import { assertNever } from '../../shared/layers/params';
import { createBackend, type BackendService } from '../services/backend';
import { quietCpuBanner } from '../trainer/backend-loader';
import { createForkLauncher } from '../services/fork-launcher';
import { formatSummaryTable, summarizeModel } from '../services/model-summary';
import { runDirOf, runsRoot } from '../storage/runs';
import { replayDoc } from '../services/replay';
import { installTemplateBackbone, templateBackboneOf, templateBackbonesDir, type InstalledBackbone } from '../services/template-backbone';
import { readControlCommands } from './control-input';
import { readRegularFile } from '../storage/safe-read';
import { MAX_PROJECT_BYTES } from '../storage/project-files';
import type { RunRecordData, RunSummary } from '../../shared/training/runs';
import { ApiError, type CallName, type CallParams, type CallResult } from '../../shared/api/contract';
import type { DoctorReport } from '../../shared/training/doctor';
import { weightsReportLines } from '../../shared/training/weights-report';
import { canFreeze, findLayer, freezableBefore, withTrainable } from '../../shared/graph/freeze';

/** What the CLI talks to; tests replace parts of it. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** The built trainer entry (`dist/main/trainer.cjs` next to `cli.cjs`). */
  readonly trainerEntry: string;
  /** True when stdout is a terminal: progress is redrawn in place. */
  readonly interactive: boolean;
  /** Where `train --control -` reads its commands. */
  readonly stdin: NodeJS.ReadableStream;
}

const USAGE = `Usage: netwright <command> [options]

Commands:
  start                          Open the desktop app (or the browser mode where it cannot run)
  serve [--port N] [--root DIR]  Serve the app to your browser on 127.0.0.1
                                 (files limited to DIR, repeatable; default: home)
  summary <file.nwproj> [--json] Per-layer output shapes and parameter counts
  train <file.nwproj> [--epochs N] [--batch-size N] [--limit N] [--test-limit N] [--from-run <id>|latest [--evaluate]]
        [--freeze <layer,...>] [--freeze-before <layer>]
        [--control <file>|-] [--replay <id>|latest] [--no-backbone] [--json]
                                 Train headless and report test metrics; --from-run starts from a run's
                                 weights (fine-tuning, e.g. an imported model's, or a backbone with a new
                                 head: layers whose identity and shapes still match are loaded, new ones
                                 start fresh; it prints which were loaded, fresh and dropped), --evaluate only
                                 tests them. --freeze <layer,...> freezes those layers (id or name) and
                                 --freeze-before <layer> every layer with weights before it, for this run
                                 --control reads live changes, one per line, from a file (new lines as they
                                 are appended) or stdin (-): lr <rate> [schedule], epochs <n>,
                                 stop-after-epoch, early-stopping on|off, checkpoint. --replay trains a run
                                 again with its graph, settings and live changes at the same steps.
                                 A template that ships a backbone (Transfer: MNIST features -> Fashion-MNIST)
                                 starts from it unless --from-run or --no-backbone says otherwise
  sweep <file.nwproj> --vary KEY=VALUES ... [--random N] [--seed N] [--metric M] [--parallel N]
        [--limit N] [--test-limit N] [--resume <sweepId>] [--json]
                                 Train one run per combination of settings; KEY is lr, batchSize, epochs,
                                 optimizer or <layerId>.<param>; VALUES a list (32,64,128) or a range
                                 (1e-4..1e-2:log:5, 0.1..0.5:5). Ranks by test accuracy (loss for regression)
  export <file.nwproj> --format tfjs|onnx|keras|pytorch|torchrun --out <dir> [--run <id>|latest] [--no-check] [--json]
                                 Export the model (fresh weights, or a run's trained ones) and check it:
                                 it is run in its target runtime on held-out examples (fails above 1e-4)
  setup native [--python PATH | --tensorflow DIR] [--force] [--json]
                                 Build the native TensorFlow backend (all cores; a GPU with
                                 tensorflow[and-cuda]) against the pip TensorFlow of python3 (or PATH),
                                 or a libtensorflow folder; kept in $NETWRIGHT_HOME/native
  import <model.json|model.onnx> --out <file.nwproj>
                                 Turn a Keras/TF.js model.json (or Keras's to_json()) or an ONNX model
                                 into a project; weights (TF.js shards beside the model.json, ONNX
                                 initializers) become a run of the project

Runs are kept in $NETWRIGHT_HOME/runs (default ~/.netwright/runs).`;

/** A problem to report as one line, with an exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function defaultIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    trainerEntry: path.join(__dirname, 'trainer.cjs'),
    interactive: Boolean(process.stdout.isTTY),
    stdin: process.stdin,
  };
}

function dataDir(env: NodeJS.ProcessEnv): string {
  return env['NETWRIGHT_HOME'] || path.join(os.homedir(), '.netwright');
}

/** Runs the `netwright` command line; `argv` excludes node and the script. Returns the exit code. */
export async function main(argv: string[], ioOverrides: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = { ...defaultIo(), ...ioOverrides };
  const [command, ...rest] = argv;
  try {
    // Imports, exports and the host use tfjs in this process; our backend report replaces its banner.
    if (command !== undefined && !['--help', '-h', 'help'].includes(command)) await quietCpuBanner();
    switch (command) {
      case undefined:
        io.stderr(`${USAGE}\n`);
        return 2;
      case '--help':
      case '-h':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return 0;
      case '--version':
        io.stdout(`${readVersion()}\n`);
        return 0;
      case 'summary':
        return await summaryCommand(rest, io);
      case 'train':
        return await trainCommand(rest, io);
      case 'export':
        return await exportCommand(rest, io);
      case 'doctor':
        return await doctorCommand(rest, io);
      case 'runs':
        return await runsCommand(rest, io);
      case 'setup':
        return await setupCommand(rest, io);
      case 'sweep':
        return await sweepCommand(rest, io);
      case 'import':
        return await importCommand(rest, io);
      case 'serve': {
        const { values } = parse(rest, { port: { type: 'string' }, root: { type: 'string', multiple: true } }, 0);
        const { runServe } = await import('./serve');
        return await runServe({ ...portOption(values['port']), roots: values['root'] as string[] | undefined });
      }
      case 'start': {
        const { values } = parse(rest, { port: { type: 'string' } }, 0);
        const { runStart } = await import('./start');
        return await runStart(portOption(values['port']));
      }
      default:
        throw new CliError(`unknown command "${command}". Run "netwright --help" for the commands.`, 2);
    }
  } catch (error) {
    io.stderr(`netwright: ${oneLine(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim() || 'unknown error';
}

function readVersion(): string {
  return typeof NETWRIGHT_VERSION === 'string' ? NETWRIGHT_VERSION : '0.0.0-dev';
}
declare const NETWRIGHT_VERSION: string | undefined;

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with readable errors; `positionals` is how many positional arguments are required. */
function parse(args: string[], options: Options, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${oneLine(error).replace(/\. To specify a positional.*$/, '')}. Run "netwright --help".`, 2);
  }
  if (parsed.positionals.length < positionals) throw new CliError('a project file (.nwproj) is required. Run "netwright --help".', 2);
  if (parsed.positionals.length > positionals) {
    throw new CliError(`unexpected argument "${parsed.positionals[positionals]}". Run "netwright --help".`, 2);
  }
  return parsed;
}

function intOption(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(`${flag} needs a positive whole number, not "${String(value)}".`, 2);
  }
  return n;
}

/** `--port N`; 0 (the default) picks a free port. */
function portOption(value: unknown): { port?: number } {
  if (value === undefined) return {};
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) {
    throw new CliError(`--port needs a port number from 0 to 65535, not "${String(value)}".`, 2);
  }
  return { port };
}

/** Runs `fn` with a back end of its own, disposed afterwards. */
async function withBackend<T>(io: CliIo, fn: (backend: BackendService) => Promise<T>): Promise<T> {
  const backend = makeBackend(io);
  try {
    return await fn(backend);
  } finally {
    await backend.dispose();
  }
}

/** A typed call to the back end: the command line goes through the same service layer as the app. */
async function call<C extends CallName>(backend: BackendService, name: C, params: CallParams<C>): Promise<CallResult<C>> {
  return (await backend.handle(name, params)) as CallResult<C>;
}

async function loadDoc(io: CliIo, file: string): Promise<ProjectDoc> {
  return withBackend(io, async (backend) => (await call(backend, 'project.open', { path: path.resolve(file) })).doc);
}

/** The project's runs, newest first (the back end's `runs.list`). */
async function projectRuns(io: CliIo, projectPath: string): Promise<RunSummary[]> {
  return withBackend(io, (backend) => call(backend, 'runs.list', { projectPath }));
}

async function summaryCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1);
  const summary = summarizeModel(await loadDoc(io, positionals[0] as string));
  if (values['json']) {
    const layers = summary.layers.map(({ id, type, outputShape, params, trainable }) => ({ id, type, outputShape, params, trainable }));
    const { totalParams, trainableParams, nonTrainableParams } = summary;
    io.stdout(`${JSON.stringify({ layers, totalParams, trainableParams, nonTrainableParams })}\n`);
  } else {
    io.stdout(`${formatSummaryTable(summary)}\n`);
  }
  return 0;
}

function makeBackend(io: CliIo): BackendService {
  return createBackend({
    mode: 'browser',
    version: readVersion(),
    launcher: createForkLauncher(io.trainerEntry),
    dataDir: dataDir(io.env),
    defaultDir: os.homedir(),
  });
}

async function trainCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      limit: { type: 'string' },
      'test-limit': { type: 'string' },
      'from-run': { type: 'string' },
      evaluate: { type: 'boolean' },
      freeze: { type: 'string' },
      'freeze-before': { type: 'string' },
      control: { type: 'string' },
      replay: { type: 'string' },
      'no-backbone': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    1,
  );
  const projectPath = path.resolve(positionals[0] as string);
  const replayOption = values['replay'];
  if (typeof replayOption === 'string') {
    const clash = ['epochs', 'batch-size', 'limit', 'test-limit', 'from-run', 'evaluate', 'freeze', 'freeze-before'].find((k) => values[k] !== undefined);
    if (clash) throw new CliError(`--replay trains a run again exactly as it ran; it cannot be combined with --${clash}.`, 2);
  }
  const fromOption = values['from-run'];
  if (values['evaluate'] && typeof fromOption !== 'string') throw new CliError('--evaluate needs --from-run <id|latest>: the run whose weights to evaluate.', 2);
  let initialWeights: { runId: string; evaluateOnly: boolean } | undefined;
  if (typeof fromOption === 'string') {
    const runId = fromOption === 'latest' ? ((await projectRuns(io, projectPath)).find((r) => r.hasModel)?.runId ?? null) : fromOption;
    if (!runId) throw new CliError(`there is no run with a saved model in ${runsRoot(dataDir(io.env), projectPath)} to start from.`);
    initialWeights = { runId, evaluateOnly: Boolean(values['evaluate']) };
  }
  const shipped = initialWeights || typeof replayOption === 'string' || values['no-backbone'] ? null : await templateBackbone(projectPath, dataDir(io.env));
  if (shipped) initialWeights = { runId: shipped.runId, evaluateOnly: false };
  const replayRun = typeof replayOption === 'string' ? await replayRecord(io, projectPath, replayOption) : null;
  const loaded = replayRun ? replayDoc(replayRun) : await loadDoc(io, projectPath);
  const doc = { ...loaded, graph: frozenGraph(loaded.graph, values['freeze'], values['freeze-before']) };
  const overrides = {
    epochs: intOption(values['epochs'], '--epochs'),
    batchSize: intOption(values['batch-size'], '--batch-size'),
    trainLimit: intOption(values['limit'], '--limit'),
    testLimit: intOption(values['test-limit'], '--test-limit'),
  };
  const settings = TrainingSettingsSchema.safeParse({
    ...doc.training,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  });
  if (!settings.success) {
    const first = settings.error.issues[0];
    throw new CliError(`invalid training setting ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}.`, 2);
  }
  const trainDoc: ProjectDoc = { ...doc, training: settings.data };
  const json = Boolean(values['json']);
  const backend = makeBackend(io);
  const printer = json ? jsonPrinter(io) : textPrinter(io, trainDoc, dataDir(io.env), projectPath);
  if (shipped && !json) io.stdout(`Backbone: ${shipped.name} (shipped with the template), run ${shipped.runId} (--no-backbone trains without it)\n`);
  let runId: string | undefined;
  let interrupted = false;
  const early: TrainEvent[] = [];
  let controls: { close(): void } | null = null;
  const controlSource = values['control'];
  const onSigint = () => {
    if (runId && !interrupted) {
      interrupted = true;
      if (!json) io.stderr('\nStopping after the current batch (Ctrl-C again to quit at once)...\n');
      void backend.handle('training.stop', { runId });
    } else {
      void backend.dispose().then(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const last = await new Promise<TrainEvent>((resolve, reject) => {
      const handle = (event: TrainEvent) => {
        printer(event);
        if (event.type === 'done' || event.type === 'error') resolve(event);
      };
      backend.onEvent((name, payload) => {
        if (name !== 'training.event') return;
        const event = payload as TrainEvent;
        if (runId === undefined) early.push(event);
        else if (event.runId === runId) handle(event);
      });
      const started = replayRun
        ? backend.handle('training.replay', { projectPath, runId: replayRun.runId })
        : backend.handle('training.start', { doc: trainDoc, projectPath, ...(initialWeights ? { initialWeights } : {}) });
      started.then((result) => {
        const id = (result as { runId: string }).runId;
        runId = id;
        if (typeof controlSource === 'string') {
          controls = readControlCommands(controlSource, io, (change) => {
            void backend.handle('training.control', { runId: id, change }).catch((error: unknown) => io.stderr(`netwright: control: ${oneLine(error)}\n`));
          });
        }
        for (const e of early.splice(0)) if (e.runId === runId) handle(e);
      }, reject);
    });
    if (last.type === 'error') {
      io.stderr(`netwright: ${last.message}\n`);
      return 1;
    }
    return interrupted ? 130 : 0;
  } finally {
    (controls as { close(): void } | null)?.close();
    process.off('SIGINT', onSigint);
    await backend.dispose();
  }
}

/**
 * The backbone a template ships (its `backbone`), installed once beside the project as the run it
 * was: from `backbones/` beside the file, else the app's own; null for a project without one.
 */
async function templateBackbone(projectPath: string, home: string): Promise<InstalledBackbone | null> {
  const fs = await import('node:fs');
  let raw: unknown;
  try {
    // Only a regular file (a FIFO or /dev/zero here blocked or grew the command for good).
    raw = JSON.parse(readRegularFile(projectPath, MAX_PROJECT_BYTES).toString('utf8'));
  } catch {
    return null; // loadDoc reports an unreadable file
  }
  const name = templateBackboneOf(raw);
  if (!name) return null;
  const beside = path.join(path.dirname(projectPath), 'backbones');
  const dir = fs.existsSync(path.join(beside, name, 'run.json')) ? beside : templateBackbonesDir();
  try {
    return installTemplateBackbone(dir, name, runsRoot(home, projectPath), { keepRunId: true });
  } catch (error) {
    throw new CliError(`the template starts from its backbone "${name}", which could not be set up: ${oneLine(error)} (--no-backbone trains without it).`);
  }
}

/** The graph with `--freeze` and `--freeze-before` applied (params.trainable false), or as it is. */
function frozenGraph(graph: ProjectDoc['graph'], freeze: unknown, before: unknown): ProjectDoc['graph'] {
  const ids: string[] = [];
  const layer = (ref: string, option: string) => {
    const node = findLayer(graph, ref);
    if (!node) throw new CliError(`${option}: the graph has no layer "${ref}" (give a layer's id or name; netwright summary lists them).`, 2);
    return node;
  };
  if (typeof freeze === 'string') {
    for (const ref of freeze.split(',').map((r) => r.trim()).filter((r) => r !== '')) {
      const node = layer(ref, '--freeze');
      if (!canFreeze(node)) throw new CliError(`--freeze: ${ref} (${node.type}) has no weights to freeze.`, 2);
      ids.push(node.id);
    }
  }
  if (typeof before === 'string') {
    const upstream = freezableBefore(graph, layer(before, '--freeze-before').id);
    if (upstream.length === 0) throw new CliError(`--freeze-before: no layer with weights comes before ${before}.`, 2);
    ids.push(...upstream);
  }
  return ids.length > 0 ? withTrainable(graph, ids, true) : graph;
}

/** The run `--replay` names (`latest`: the newest run beside the project). */
async function replayRecord(io: CliIo, projectPath: string, option: string): Promise<RunRecordData> {
  const runId = option === 'latest' ? ((await projectRuns(io, projectPath))[0]?.runId ?? null) : option;
  if (!runId) throw new CliError(`there is no run in ${runsRoot(dataDir(io.env), projectPath)} to replay.`);
  try {
    return await withBackend(io, (backend) => call(backend, 'runs.get', { projectPath, runId }));
  } catch (error) {
    throw new CliError(oneLine(error));
  }
}

/** `{"event": type, ...}` per line: the TrainEvent with its `type` renamed to `event`. */
function jsonPrinter(io: CliIo): (event: TrainEvent) => void {
  return (event) => {
    const { type, ...rest } = event;
    const ordered = type === 'done' ? { event: type, test: event.test, ...rest } : { event: type, ...rest };
    io.stdout(`${JSON.stringify(ordered)}\n`);
  };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
/** Regression and reconstruction runs have no accuracy: loss, and MAE where measured. */
const metrics = (m: { loss: number; accuracy: number; precision?: number; recall?: number; auc?: number; mae?: number }, regression = false) =>
  m.mae !== undefined
    ? `loss ${m.loss.toFixed(4)}, MAE ${m.mae.toPrecision(4)}`
    : regression
      ? `loss ${m.loss.toFixed(4)}`
      : `loss ${m.loss.toFixed(4)}, accuracy ${pct(m.accuracy)}` +
      (m.precision !== undefined ? `, precision ${pct(m.precision)}` : '') +
      (m.recall !== undefined ? `, recall ${pct(m.recall)}` : '') +
      (m.auc !== undefined ? `, AUC ${m.auc.toFixed(4)}` : '');

function textPrinter(io: CliIo, doc: ProjectDoc, home: string, projectPath: string): (event: TrainEvent) => void {
  let batchesPerEpoch = 0;
  let epochs = 0;
  let lastProgress = 0;
  let progressShown = false;
  let regression = false;
  const endProgress = () => {
    if (progressShown && io.interactive) io.stdout('\n');
    progressShown = false;
  };
  return (event) => {
    switch (event.type) {
      case 'started': {
        batchesPerEpoch = event.batchesPerEpoch;
        epochs = event.epochs;
        regression = event.task === 'regression';
        const failed = event.backend.tried.filter((t) => !t.ok);
        io.stdout(`Backend: ${event.backend.label}\n`);
        for (const f of failed) io.stdout(`  not used: ${f.name}: ${f.reason}\n`);
        if (event.trainStep?.kind === 'compiled') io.stdout('Each batch trains as one compiled TensorFlow function.\n');
        else if (event.trainStep?.why && event.backend.backend === 'tensorflow') io.stdout(`Each batch trains through tfjs's layers (not compiled: ${event.trainStep.why}).\n`);
        io.stdout(
          `Training "${doc.name}" (run ${event.runId}): ${epochs} epoch(s) of ${n(batchesPerEpoch)} batches; ` +
            `${n(event.trainSamples)} training, ${n(event.validationSamples)} validation, ${n(event.testSamples)} test samples\n`,
        );
        return;
      }
      case 'batch': {
        const now = Date.now();
        const last = event.batch === batchesPerEpoch - 1;
        if (!io.interactive && !last && now - lastProgress < 5000) return;
        lastProgress = now;
        const line =
          `  epoch ${event.epoch + 1}/${epochs}  batch ${event.batch + 1}/${batchesPerEpoch}  ` +
          `loss ${event.loss.toFixed(4)}  ${regression ? '' : `acc ${pct(event.accuracy)}  `}${n(event.samplesPerSec)} samples/s  ETA ${Math.ceil(event.etaSec)} s`;
        if (io.interactive) {
          io.stdout(`\r${line}\x1b[K`);
          progressShown = true;
        } else io.stdout(`${line}\n`);
        return;
      }
      case 'epoch':
        endProgress();
        io.stdout(
          `Epoch ${event.epoch + 1}/${epochs}: ${metrics(event.train, regression)}` +
            (event.validation ? ` | validation ${metrics(event.validation, regression)}` : '') +
            '\n',
        );
        return;
      case 'insight':
      case 'grid':
      case 'augmented':
        // Histograms, decision grids and augmented examples are for the dashboard; the run folder keeps the histograms.
        return;
      case 'control':
        endProgress();
        if (event.change.kind === 'epochs') epochs = event.change.epochs;
        io.stdout(`Change at epoch ${event.epoch + 1}, batch ${event.batch + 1} (step ${event.step}): ${event.text}${event.checkpoint ? ` in ${event.checkpoint}` : ''}\n`);
        return;
      case 'weights':
        for (const line of weightsReportLines(event.report)) io.stdout(`${line}\n`);
        return;
      case 'evaluating':
        endProgress();
        io.stdout('Evaluating on the test set...\n');
        return;
      case 'done':
        endProgress();
        if (event.test) io.stdout(`Test: ${metrics(event.test, regression)}\n`);
        io.stdout(
          `${event.stopped ? 'Stopped' : 'Finished'} in ${event.seconds.toFixed(1)} s.` +
            (event.test ? ` Model saved in ${runDirOf(home, event.runId, projectPath)}\n` : ' Nothing was trained.\n'),
        );
        return;
      case 'error':
        endProgress();
        return;
      default:
        assertNever(event);
    }
  };
}

async function sweepCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      vary: { type: 'string', multiple: true },
      random: { type: 'string' },
      seed: { type: 'string' },
      metric: { type: 'string' },
      parallel: { type: 'string' },
      limit: { type: 'string' },
      'test-limit': { type: 'string' },
      resume: { type: 'string' },
      json: { type: 'boolean' },
    },
    1,
  );
  const { parseVary, SweepError, SweepSpecSchema, SWEEP_METRICS, expandTrials } = await import('../../shared/training/sweep');
  const { runSweep } = await import('./sweep-command');
  const projectPath = path.resolve(positionals[0] as string);
  const resume = values['resume'];
  const vary = (values['vary'] as string[] | undefined) ?? [];
  let start: Parameters<typeof runSweep>[0]['start'];
  if (typeof resume === 'string') {
    if (vary.length > 0) throw new CliError('--resume goes on with the sweep as it was started; leave out --vary.', 2);
    start = { resume };
  } else {
    if (vary.length === 0) throw new CliError('sweep needs at least one --vary KEY=VALUES, e.g. --vary lr=1e-4..1e-2:log:5 --vary dense1.units=32,64.', 2);
    const metric = values['metric'] ?? 'auto';
    if (!(SWEEP_METRICS as readonly string[]).includes(metric as string)) throw new CliError(`--metric must be one of ${SWEEP_METRICS.join(', ')}, not "${String(metric)}".`, 2);
    const doc = await loadDoc(io, projectPath);
    const trainLimit = intOption(values['limit'], '--limit');
    const testLimit = intOption(values['test-limit'], '--test-limit');
    const sweepDoc: ProjectDoc = {
      ...doc,
      training: { ...doc.training, ...(trainLimit !== undefined ? { trainLimit } : {}), ...(testLimit !== undefined ? { testLimit } : {}) },
    };
    const random = intOption(values['random'], '--random');
    const seed = values['seed'] === undefined ? undefined : Number(values['seed']);
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new CliError(`--seed needs a whole number, not "${String(values['seed'])}".`, 2);
    const spec = SweepSpecSchema.safeParse({
      axes: vary.map((v) => {
        try {
          return parseVary(v);
        } catch (error) {
          throw new CliError(oneLine(error), 2);
        }
      }),
      mode: random === undefined ? 'grid' : 'random',
      ...(random !== undefined ? { count: random } : {}),
      ...(seed !== undefined ? { seed } : {}),
      metric,
      parallel: intOption(values['parallel'], '--parallel') ?? 1,
    });
    if (!spec.success) throw new CliError(`invalid sweep: ${spec.error.issues[0]?.path.join('.') ?? ''} ${spec.error.issues[0]?.message ?? ''}.`, 2);
    try {
      expandTrials(sweepDoc, spec.data);
    } catch (error) {
      if (error instanceof SweepError) throw new CliError(error.message, 2);
      throw error;
    }
    start = { doc: sweepDoc, spec: spec.data };
  }
  const backend = makeBackend(io);
  try {
    return await runSweep({ backend, projectPath, start, json: Boolean(values['json']), stdout: io.stdout, stderr: io.stderr });
  } finally {
    await backend.dispose();
  }
}

async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { format: { type: 'string' }, out: { type: 'string' }, run: { type: 'string' }, 'no-check': { type: 'boolean' }, json: { type: 'boolean' } },
    1,
  );
  const { EXPORT_FORMATS, exportSummaryLine } = await import('../../shared/export/result');
  const formats = EXPORT_FORMATS.join('|');
  const format = values['format'];
  if (format === undefined) throw new CliError(`export needs --format ${formats}.`, 2);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format as string)) throw new CliError(`unknown export format "${String(format)}"; use one of ${formats}.`, 2);
  const out = values['out'];
  if (typeof out !== 'string' || out === '') throw new CliError('export needs --out <dir>.', 2);
  const projectPath = path.resolve(positionals[0] as string);
  const doc = await loadDoc(io, projectPath);
  const runOption = values['run'];
  let runId: string | null = null;
  if (typeof runOption === 'string') {
    const trained = (await projectRuns(io, projectPath)).filter((r) => r.hasModel);
    runId = (runOption === 'latest' ? trained[0] : trained.find((r) => r.runId === runOption))?.runId ?? null;
    if (!runId) {
      const where = runsRoot(dataDir(io.env), projectPath);
      throw new CliError(runOption === 'latest' ? `there is no trained run in ${where} yet; train first.` : `there is no run "${runOption}" with a saved model in ${where}.`);
    }
  }
  let result;
  try {
    const params = { format: format as (typeof EXPORT_FORMATS)[number], doc, runId, projectPath, outDir: path.resolve(out), selfCheck: !values['no-check'] };
    result = await withBackend(io, (backend) => call(backend, 'export.model', params));
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_EXPORTABLE') throw new CliError(`cannot export "${doc.name}" to ${String(format)}: ${error.message}`);
    throw error;
  }
  if (values['json']) {
    io.stdout(`${JSON.stringify(result)}\n`);
  } else {
    const what = result.runId ? `run ${result.runId} (trained weights)` : `"${doc.name}" with fresh (untrained) weights`;
    io.stdout(`Exported ${what} as ${String(format)} to ${result.outDir}:\n`);
    for (const f of result.files) io.stdout(`  ${f}\n`);
    for (const c of result.checks) io.stdout(`  ${c.status === 'passed' ? 'ok' : c.status === 'failed' ? 'FAILED' : 'skipped'}  ${c.name}: ${c.detail}\n`);
    io.stdout(`${exportSummaryLine(result)}\n`);
  }
  if (!result.ok) {
    io.stderr(`netwright: the ${String(format)} export failed its self-check (${result.checks.filter((c) => c.status === 'failed').map((c) => c.name).join(', ')}).\n`);
    return 3;
  }
  return 0;
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  if (!args.some((a) => !a.startsWith('-'))) throw new CliError('import needs a model.json file (or a .onnx model). Run "netwright --help".', 2);
  const { values, positionals } = parse(args, { out: { type: 'string' } }, 1);
  const out = values['out'];
  if (typeof out !== 'string' || out === '') throw new CliError('import needs --out <file.nwproj>.', 2);
  const file = path.resolve(positionals[0] as string);
  const fs = await import('node:fs/promises');
  try {
    await fs.access(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${oneLine(error)}`);
  }
  const result = await withBackend(io, (backend) => call(backend, 'project.import', { path: file, outPath: path.resolve(out) }));
  io.stdout(`Imported ${result.doc.graph.nodes.length} layers (${n(result.totalParams)} parameters) from ${path.basename(file)} into ${result.path}\n`);
  if (result.runId) io.stdout(`Weights imported as run ${result.runId} (evaluate, predict, export --run or train --from-run it)\n`);
  for (const w of result.warnings) io.stdout(`  warning: ${w}\n`);
  for (const e of result.errors) io.stdout(`  to fix before training: ${e}\n`);
  return 0;
}

async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } }, 0);
  const backend = makeBackend(io);
  let report: DoctorReport;
  try {
    report = (await backend.handle('backend.report', {})) as DoctorReport;
  } finally {
    await backend.dispose();
  }
  if (values['json']) {
    io.stdout(`${JSON.stringify({ backend: report.backend, tried: report.tried, label: report.label, device: report.device, threads: report.threads, cpuCores: report.cpuCores, simd: report.simd, fixes: report.fixes, selfCheck: report.selfCheck })}\n`);
    return 0;
  }
  io.stdout(`Training backend: ${report.label} [${report.backend}]\n`);
  io.stdout(`Device: ${report.device}; ${report.threads} thread(s) of ${report.cpuCores} core(s)${report.simd === null ? '' : `; SIMD ${report.simd ? 'yes' : 'no'}`}\n`);
  io.stdout('Tried, best first:\n');
  for (const t of report.tried) io.stdout(`  ${t.ok ? 'ok    ' : 'failed'} ${t.name}: ${t.reason}\n`);
  if (report.fixes.length > 0) {
    io.stdout('To get a faster backend:\n');
    for (const f of report.fixes) io.stdout(`  - ${f}\n`);
  }
  const check = report.selfCheck as { cases?: number; failing?: string[]; error?: string } | null;
  if (check?.error) io.stdout(`Layer self-check could not run: ${check.error}\n`);
  else if (check && Array.isArray(check.failing)) {
    io.stdout(
      check.failing.length === 0
        ? `Layer self-check: all ${check.cases ?? 0} layer types train correctly on this backend.\n`
        : `Layer self-check: not trainable here: ${check.failing.join(', ')}.\n`,
    );
  }
  return 0;
}

async function setupCommand(args: string[], io: CliIo): Promise<number> {
  if (args[0] !== 'native') throw new CliError('what to set up? The one thing is "netwright setup native".', 2);
  const { values } = parse(args.slice(1), { python: { type: 'string' }, tensorflow: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } }, 0);
  if (values['python'] && values['tensorflow']) throw new CliError('give --python or --tensorflow, not both.', 2);
  const { setupNativeCommand } = await import('./setup-native');
  const { NativeSetupError } = await import('../trainer/native/native-setup');
  try {
    return await setupNativeCommand({
      python: values['python'] as string | undefined,
      tensorflow: values['tensorflow'] as string | undefined,
      force: values['force'] === true,
      json: values['json'] === true,
      env: io.env,
      cliEntry: path.join(path.dirname(io.trainerEntry), 'cli.cjs'),
      stdout: io.stdout,
    });
  } catch (error) {
    if (error instanceof NativeSetupError) {
      io.stderr(`netwright setup native: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function runsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1);
  const projectPath = path.resolve(positionals[0] as string);
  const runs = await projectRuns(io, projectPath);
  if (values['json']) {
    io.stdout(`${JSON.stringify(runs)}\n`);
    return 0;
  }
  if (runs.length === 0) io.stdout(`No runs in ${runsRoot(dataDir(io.env), projectPath)} yet.\n`);
  for (const r of runs) {
    io.stdout(`${r.runId}  ${r.status.padEnd(7)}  ${r.dataset}  ${r.epochsDone} epoch(s)  ${r.test ? `test accuracy ${pct(r.test.accuracy)}, loss ${r.test.loss.toFixed(4)}` : 'no test result'}  ${r.seconds.toFixed(1)} s\n`);
  }
  return 0;
}

// `node dist/main/cli.cjs ...` runs the command line directly (bin/netwright.cjs calls `main` itself).
if (typeof module !== 'undefined' && typeof require !== 'undefined' && require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
