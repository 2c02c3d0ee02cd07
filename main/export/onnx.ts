import type { ExportContext, FormatOutput } from './context';

export async function writeOnnx(_ctx: ExportContext): Promise<FormatOutput> {
  throw new Error('onnx export: not written yet');
}
