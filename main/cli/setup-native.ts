import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { nativeDir } from '../trainer/native/native-addon';
import { NativeSetupError, setupNative, type VerifyResult } from '../trainer/native/native-setup';

export interface SetupNativeCliOptions {
  readonly python?: string;
  readonly tensorflow?: string;
  readonly force: boolean;
  readonly json: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** The built CLI (`dist/main/cli.cjs`), run as `doctor --json` to check a build. */
  readonly cliEntry: string;
  readonly stdout: (text: string) => void;
}

/** `netwright doctor --json` in a fresh process with the new build as the native add-on. */
export function verifyWithDoctor(cliEntry: string, env: NodeJS.ProcessEnv): (buildDir: string) => Promise<VerifyResult> {
  return (buildDir) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliEntry, 'doctor', '--json'], {
        env: { ...env, NETWRIGHT_NATIVE_DIR: buildDir, NETWRIGHT_NATIVE: 'on', ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        const line = out.trim().split('\n').pop() ?? '';
        try {
          const report = JSON.parse(line) as { backend: string; tried: { name: string; ok: boolean; reason: string }[]; selfCheck?: { failing?: string[]; error?: string } | null };
          if (report.backend !== 'tensorflow') {
            const why = report.tried.find((t) => t.name === 'netwright-native');
            reject(new NativeSetupError(`the new add-on does not load: ${why?.reason ?? 'unknown reason'}`));
            return;
          }
          if (report.selfCheck?.error) {
            reject(new NativeSetupError(`the layer self-check could not run on it: ${report.selfCheck.error}`));
            return;
          }
          resolve({ backend: report.backend, failing: report.selfCheck?.failing ?? [] });
        } catch {
          reject(new NativeSetupError(`checking the add-on failed (exit ${String(code)}): ${(err || out).trim().split('\n').slice(-5).join(' | ')}`));
        }
      });
    });
}

/** Runs the set-up and prints what happened; returns the exit code. */
export async function setupNativeCommand(opts: SetupNativeCliOptions): Promise<number> {
  const dir = nativeDir(opts.env);
  const log = opts.json ? () => undefined : (line: string) => opts.stdout(`${line}\n`);
  const result = await setupNative({
    dir,
    ...(opts.python ? { python: opts.python } : {}),
    ...(opts.tensorflow ? { tensorflowDir: opts.tensorflow } : {}),
    force: opts.force,
    log,
    verify: verifyWithDoctor(opts.cliEntry, opts.env),
    env: opts.env,
  });
  const m = result.manifest;
  if (opts.json) {
    opts.stdout(`${JSON.stringify({ dir, build: path.join(dir, m.build), tensorflow: m.tensorflow, alreadyDone: result.alreadyDone, failing: result.failing })}\n`);
    return result.failing.length > 0 ? 1 : 0;
  }
  if (!result.alreadyDone) log(`Set up: ${path.join(dir, m.build)}`);
  log(`Training now uses TensorFlow ${m.tensorflow.version} ${m.tensorflow.cuda ? 'with CUDA' : 'on the CPU'} (netwright doctor shows it).`);
  if (result.failing.length > 0) {
    log(`Warning: these layer types did not train like the reference on it, and are refused there: ${result.failing.join(', ')}.`);
    return 1;
  }
  return 0;
}
