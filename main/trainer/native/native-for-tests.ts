import { nativeDir, readManifest } from './native-addon';

/**
 * Tests: whether training in this environment runs on the native add-on `netwright setup native`
 * built (CI sets NETWRIGHT_NATIVE_DIR to the one it built), so tests that check which backend
 * trains expect `tensorflow` there and `wasm` elsewhere. Trainer processes inherit process.env.
 */
export function nativeSetUp(env: NodeJS.ProcessEnv = process.env): boolean {
  if (/^(off|0|false|no)$/i.test(env['NETWRIGHT_NATIVE'] ?? '')) return false;
  try {
    readManifest(nativeDir(env));
    return true;
  } catch {
    return false;
  }
}

/** The tfjs backend the trainer loads here: `tensorflow` with the native add-on, else `wasm`. */
export const TRAINING_BACKEND: 'tensorflow' | 'wasm' = nativeSetUp() ? 'tensorflow' : 'wasm';
