import { useEffect, type RefObject } from 'react';
import { useStoreApi } from '@xyflow/react';

/** Below this zoom the small print on cards and connections is unreadable anyway. */
export const FAR_ZOOM = 0.5;

/**
 * Zoomed far out, the canvas gets `is-far`: cards hide their small print and connections their
 * shape labels (editor.css), which saves most of the paint work on a large graph.
 *
 * The class is set on the element directly from React Flow's store, not through React state: a
 * re-render of the canvas at the threshold re-rendered the toolbar, minimap and controls mid-zoom.
 * The hidden parts keep their space (`visibility`, not `display`), so crossing the threshold
 * resizes no card and sets off no re-measuring of 300 nodes.
 */
export function useFarZoomClass(element: RefObject<HTMLElement | null>): void {
  const flow = useStoreApi();
  useEffect(() => {
    let far: boolean | null = null;
    const apply = (zoom: number) => {
      const next = zoom < FAR_ZOOM;
      if (next === far) return;
      far = next;
      element.current?.classList.toggle('is-far', next);
    };
    apply(flow.getState().transform[2]);
    return flow.subscribe((s) => apply(s.transform[2]));
  }, [flow, element]);
}
