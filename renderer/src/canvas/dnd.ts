import { getLayerSpec } from '../../../shared/layers/registry';

/** The drag-and-drop payload of a palette item. */
export const LAYER_MIME = 'application/x-netwright-layer';

export function setLayerDrag(dt: DataTransfer, type: string): void {
  dt.setData(LAYER_MIME, type);
  dt.setData('text/plain', type);
  dt.effectAllowed = 'copy';
}

/** The drag-and-drop payload of a block in the palette: the block definition's id. */
export const BLOCK_MIME = 'application/x-netwright-block';

export function setBlockDrag(dt: DataTransfer, blockId: string): void {
  dt.setData(BLOCK_MIME, blockId);
  dt.effectAllowed = 'copy';
}

export function blockFromDrop(dt: DataTransfer): string | null {
  return dt.getData(BLOCK_MIME) || null;
}

export function isLayerDrag(dt: DataTransfer): boolean {
  return dt.types.includes(LAYER_MIME) || dt.types.includes(BLOCK_MIME) || dt.types.includes('text/plain');
}

export function layerFromDrop(dt: DataTransfer): string | null {
  const type = dt.getData(LAYER_MIME) || dt.getData('text/plain');
  return type && getLayerSpec(type) ? type : null;
}
