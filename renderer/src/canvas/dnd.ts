import { getLayerSpec } from '../../../shared/layers/registry';

/** The drag-and-drop payload of a palette item. */
export const LAYER_MIME = 'application/x-netwright-layer';

export function setLayerDrag(dt: DataTransfer, type: string): void {
  dt.setData(LAYER_MIME, type);
  dt.setData('text/plain', type);
  dt.effectAllowed = 'copy';
}

export function isLayerDrag(dt: DataTransfer): boolean {
  return dt.types.includes(LAYER_MIME) || dt.types.includes('text/plain');
}

export function layerFromDrop(dt: DataTransfer): string | null {
  const type = dt.getData(LAYER_MIME) || dt.getData('text/plain');
  return type && getLayerSpec(type) ? type : null;
}
