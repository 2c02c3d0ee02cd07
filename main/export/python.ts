import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * The Python used to check exports: $NETWRIGHT_PYTHON, else Debian's /usr/bin/python3 (where
 * `apt-get install python3-torch python3-onnx python3-h5py` puts its packages), else python3.
 */
export function pythonPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env['NETWRIGHT_PYTHON']) return env['NETWRIGHT_PYTHON'];
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export interface PythonResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `python args...` with a time limit; never throws for a failing script (the caller reads `code`). */
export function runPython(args: readonly string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<PythonResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let proc;
    try {
      // A caller's env adds to this process's: $NETWRIGHT_PYTHON set by the user still applies.
      proc = spawn(pythonPath({ ...process.env, ...options.env }), [...args], {
        cwd: options.cwd,
        env: { ...process.env, ...options.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: String(error) });
      return;
    }
    const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + String(error) });
    });
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const available = new Map<string, Promise<string | null>>();

/**
 * Null when `import <module>` works in the check Python, else why not (one line). Cached.
 * Used to run a check or report it as skipped with its reason.
 */
export function pythonModuleMissing(module: 'torch' | 'onnx' | 'h5py' | 'numpy'): Promise<string | null> {
  let p = available.get(module);
  if (!p) {
    p = runPython(['-c', `import ${module}`], { timeoutMs: 60_000 }).then((r) => {
      if (r.code === 0) return null;
      const debian = { torch: 'python3-torch', onnx: 'python3-onnx', h5py: 'python3-h5py', numpy: 'python3-numpy' }[module];
      return `${pythonPath()} cannot import ${module} (apt-get install -y ${debian})`;
    });
    available.set(module, p);
  }
  return p;
}

/** The last non-empty line of a Python error, for a one-line report. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}
