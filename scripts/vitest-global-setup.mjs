// Vitest's global setup: generates dist/main/assets/netwright-layers.js from the trainer's custom
// layers (scripts/build-layers.mjs), as the build does, so the TF.js export tests ship the same file.
import { buildNetwrightLayers } from './build-layers.mjs';

export default async function setup() {
  await buildNetwrightLayers();
}
