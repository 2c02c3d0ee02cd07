/** CUDA and cuDNN versions tfjs-node-gpu 4.x is built against. */
export const CUDA_VERSION = '11.2';
export const CUDNN_VERSION = '8.1';

/** The command that builds the native backend (main/trainer/native/native-setup.ts). */
export const SETUP_NATIVE = 'npx netwright setup native';

/** What a user can do about one backend that did not load, from its reason. */
export function fixFor(name: string, reason: string): string | null {
  if (name === 'netwright-native') {
    if (/^not set up/.test(reason)) {
      return `Install TensorFlow for Python (python3 -m pip install tensorflow-cpu; for an NVIDIA GPU with CUDA 12: 'tensorflow[and-cuda]'), then run: ${SETUP_NATIVE} (builds TensorFlow's native backend against it, about a minute; --python PATH or --tensorflow DIR picks another TensorFlow). Training then uses every core.`;
    }
    if (/is gone/.test(reason)) return `Run ${SETUP_NATIVE} again: the TensorFlow it was built against was removed or moved.`;
    if (/turned off/.test(reason)) return null;
    return `Build it again: ${SETUP_NATIVE} --force`;
  }
  if (name === '@tensorflow/tfjs-node-gpu') {
    if (/not installed/.test(reason)) {
      return `For an NVIDIA GPU, prefer ${SETUP_NATIVE} with pip's tensorflow[and-cuda] (current CUDA 12 drivers). This npm package needs internet to download libtensorflow 2.9, CUDA ${CUDA_VERSION} and cuDNN ${CUDNN_VERSION}: npm install @tensorflow/tfjs-node-gpu@4.22.0`;
    }
    if (/libcudnn/i.test(reason)) return `Install cuDNN ${CUDNN_VERSION} for CUDA ${CUDA_VERSION} and make sure its lib folder is on LD_LIBRARY_PATH.`;
    if (/libcu|cuda/i.test(reason)) return `Install the CUDA ${CUDA_VERSION} toolkit (libcudart.so.11.0, libcublas.so.11) and add its lib64 folder to LD_LIBRARY_PATH.`;
    if (/NODE_MODULE_VERSION|ABI|compiled against a different Node/i.test(reason)) return 'Rebuild it for this Node: npm rebuild @tensorflow/tfjs-node-gpu';
    if (/no (cuda-capable|gpu)|device/i.test(reason)) return 'No usable NVIDIA GPU was found; the CPU backends are used instead.';
    return null;
  }
  if (name === '@tensorflow/tfjs-node') {
    if (/not installed/.test(reason)) return `${SETUP_NATIVE} gives the same backend without a download (see netwright-native); or npm install @tensorflow/tfjs-node@4.22.0 (needs internet to download libtensorflow 2.9).`;
    if (/NODE_MODULE_VERSION|ABI|compiled against a different Node/i.test(reason)) return 'Rebuild it for this Node: npm rebuild @tensorflow/tfjs-node';
    if (/libtensorflow/i.test(reason)) return 'Reinstall it so libtensorflow is downloaded again: npm install @tensorflow/tfjs-node@4.22.0';
    return null;
  }
  if (name === '@tensorflow/tfjs-backend-wasm' && /not installed/.test(reason)) return 'npm install @tensorflow/tfjs-backend-wasm@4.22.0';
  return null;
}

/**
 * Turns a native backend's load error into one readable reason: not installed,
 * a missing CUDA/cuDNN library (with the version it expects), or an ABI mismatch.
 */
export function describeNativeError(name: string, message: string): string | null {
  const lib = /(lib[\w.+-]+\.so(?:\.[\d.]+)?)/.exec(message)?.[1];
  if (lib && /cudnn/i.test(lib)) return `cuDNN ${CUDNN_VERSION} is missing (${lib} could not be loaded)`;
  if (lib && /cu(da|blas|fft|rand|solver|sparse)|cudart/i.test(lib)) return `CUDA ${CUDA_VERSION} is missing (${lib} could not be loaded)`;
  if (lib && /tensorflow/i.test(lib)) return `libtensorflow is missing or broken (${lib}); the install's download did not complete`;
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(message);
  if (abi) return `its native add-on was built for another Node (ABI ${abi[1]}; this Node needs ${abi[2]})`;
  if (/was compiled against a different Node/i.test(message)) return 'its native add-on was built for another Node version (ABI mismatch)';
  if (name.includes('gpu') && /no cuda-capable device|CUDA_ERROR_NO_DEVICE/i.test(message)) return 'no NVIDIA GPU was found (CUDA_ERROR_NO_DEVICE)';
  return null;
}

