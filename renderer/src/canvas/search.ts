import { CATEGORY_ORDER, LAYER_SPECS } from '../../../shared/layers/registry';
import type { LayerSpec } from '../../../shared/layers/types';

/**
 * Layers matching a search, best first: a type or label starting with the
 * text, then containing it, then a category or description containing it.
 * Every word of the query must match somewhere.
 */
export function searchLayers(query: string, specs: readonly LayerSpec[] = LAYER_SPECS): LayerSpec[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...specs];
  const scored: { spec: LayerSpec; score: number; order: number }[] = [];
  specs.forEach((spec, order) => {
    const name = `${spec.type} ${spec.label}`.toLowerCase();
    const rest = `${spec.category} ${spec.description}`.toLowerCase();
    let score = 0;
    for (const w of words) {
      if (spec.type.toLowerCase().startsWith(w) || spec.label.toLowerCase().startsWith(w)) score += 3;
      else if (name.includes(w)) score += 2;
      else if (rest.includes(w)) score += 1;
      else return;
    }
    scored.push({ spec, score, order });
  });
  scored.sort((a, b) => b.score - a.score || CATEGORY_ORDER.indexOf(a.spec.category) - CATEGORY_ORDER.indexOf(b.spec.category) || a.order - b.order);
  return scored.map((s) => s.spec);
}
