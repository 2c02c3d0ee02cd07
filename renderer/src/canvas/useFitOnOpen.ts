import { useEffect, useRef } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useEditor } from '../state/context';
import { FIT_VIEW } from './fit';

/** A project just opened (or a new one; the store's `baseRev` moves): show all of it. */
export function useFitOnOpen(): void {
  const { fitView } = useReactFlow();
  const baseRev = useEditor((s) => s.baseRev);
  const firstRev = useRef(baseRev);
  useEffect(() => {
    if (baseRev === firstRev.current) return;
    void fitView(FIT_VIEW);
  }, [baseRev, fitView]);
}
