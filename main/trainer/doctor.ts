import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendReport } from '../../shared/training/events';
import type { DoctorReport } from '../../shared/training/doctor';
import { runSelfCheck } from './kernels/self-check';
import { fixFor } from './native-errors';
import { bindingOf } from './kernels/native-binding';

/** The doctor report for the backend that loaded. */
export function doctorReport(report: BackendReport): DoctorReport {
  const tried = report.tried.map((t) => ({ ...t, fix: t.ok ? null : fixFor(t.name, t.reason) }));
  const backend = report.backend;
  const simd = backend === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null;
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  // tfjs-node-gpu, or the add-on `setup native` built against a CUDA TensorFlow, when it found a GPU.
  const binding = backend === 'tensorflow' ? bindingOf(tf.backend()) : null;
  const gpu = binding ? binding.isUsingGpuDevice() : tried.some((t) => t.ok && t.name.includes('gpu'));
  const threads = backend === 'wasm' ? 1 : backend === 'tensorflow' ? os.cpus().length : 1;
  const fixes = tried.filter((t) => !t.ok && t.fix !== null && tried.findIndex((u) => u.ok) > tried.indexOf(t)).map((t) => `${t.name}: ${t.fix}`);
  if (binding && typeof (binding as { addFunctionDef?: unknown }).addFunctionDef !== 'function') {
    fixes.push('This native add-on was built before compiled training steps (a whole step as one TensorFlow function, up to 3x faster): run `netwright setup native` again.');
  }
  if (backend === 'wasm') fixes.push('WebAssembly in Node computes on one thread (tfjs turns threads off in Node); run two trainings at once to use two cores.');
  let selfCheck: unknown = null;
  try {
    const r = runSelfCheck();
    selfCheck = { backend: r.backend, checkedAt: r.checkedAt, cases: r.results.length, failing: r.failing, tolerance: r.tolerance };
  } catch (error) {
    selfCheck = { error: error instanceof Error ? error.message : String(error) };
  }
  return {
    backend,
    label: report.label,
    tried,
    device: gpu ? 'NVIDIA GPU (CUDA)' : cpu,
    threads,
    cpuCores: os.cpus().length,
    simd,
    fixes,
    selfCheck,
  };
}
