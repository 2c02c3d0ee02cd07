import { useEffect, type RefObject } from 'react';
import { useStoreApi } from '@xyflow/react';
import { farZoomSwitch } from './far-zoom';

/**
 * Zoomed far out, the canvas gets `is-far`: cards hide their small print and connections their
 * shape labels (editor.css), which saves most of the paint work on a large graph.
 *
 * The class is set on the element directly from React Flow's store, not through React state (a
 * re-render of the canvas re-rendered the toolbar, minimap and controls mid-zoom), and only once
 * a zoom gesture rests (far-zoom.ts). The hidden parts keep their space (`visibility`, not
 * `display`), so switching resizes no card and sets off no re-measuring of every node.
 */
export function useFarZoomClass(element: RefObject<HTMLElement | null>): void {
  const flow = useStoreApi();
  useEffect(() => {
    const sw = farZoomSwitch((far) => element.current?.classList.toggle('is-far', far));
    let last = flow.getState().transform[2];
    sw.zoom(last);
    const unsubscribe = flow.subscribe((s) => {
      const z = s.transform[2];
      if (z === last) return;
      last = z;
      sw.zoom(z);
    });
    return () => {
      unsubscribe();
      sw.dispose();
    };
  }, [flow, element]);
}
