import { describe, expect, it } from 'vitest';
import { describeNativeError, fixFor } from './native-errors';
import { describeLoadError } from './backend-loader';

describe('native backend load errors', () => {
  it('name the missing CUDA or cuDNN library and the version tfjs-node-gpu expects', () => {
    expect(describeNativeError('@tensorflow/tfjs-node-gpu', 'Error: libcudnn.so.8: cannot open shared object file: No such file or directory')).toBe(
      'cuDNN 8.1 is missing (libcudnn.so.8 could not be loaded)',
    );
    expect(describeNativeError('@tensorflow/tfjs-node-gpu', 'libcublas.so.11: cannot open shared object file')).toBe('CUDA 11.2 is missing (libcublas.so.11 could not be loaded)');
    expect(describeNativeError('@tensorflow/tfjs-node', 'libtensorflow.so.2: cannot open shared object file')).toMatch(/^libtensorflow is missing or broken/);
  });

  it('recognise an add-on built for another Node (ABI mismatch)', () => {
    const msg = "The module 'tfjs_binding.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 93. This version of Node.js requires NODE_MODULE_VERSION 115.";
    expect(describeNativeError('@tensorflow/tfjs-node', msg)).toBe('its native add-on was built for another Node (ABI 93; this Node needs 115)');
    expect(fixFor('@tensorflow/tfjs-node', describeLoadError('@tensorflow/tfjs-node', new Error(msg)))).toBe('Rebuild it for this Node: npm rebuild @tensorflow/tfjs-node');
  });

  it('give a fix for each kind of failure, none for unknown ones', () => {
    const notInstalled = describeLoadError('@tensorflow/tfjs-node-gpu', Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node-gpu'"), { code: 'MODULE_NOT_FOUND' }));
    expect(notInstalled).toMatch(/^not installed/);
    expect(fixFor('@tensorflow/tfjs-node-gpu', notInstalled)).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    expect(fixFor('@tensorflow/tfjs-node-gpu', 'cuDNN 8.1 is missing (libcudnn.so.8 could not be loaded)')).toMatch(/Install cuDNN 8\.1 for CUDA 11\.2/);
    expect(fixFor('@tensorflow/tfjs-node-gpu', 'CUDA 11.2 is missing (libcudart.so.11.0 could not be loaded)')).toMatch(/CUDA 11\.2 toolkit/);
    expect(fixFor('@tensorflow/tfjs-node', 'something odd')).toBeNull();
    expect(fixFor('cpu', 'whatever')).toBeNull();
  });
});
