import type { ExportContext, FormatOutput } from './context';

export async function writeKeras(_ctx: ExportContext): Promise<FormatOutput> {
  throw new Error('keras export: not written yet');
}
