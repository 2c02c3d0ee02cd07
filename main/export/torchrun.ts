import type { ExportContext, FormatOutput } from './context';

export async function writeTorchrun(_ctx: ExportContext): Promise<FormatOutput> {
  throw new Error('torchrun export: not written yet');
}
