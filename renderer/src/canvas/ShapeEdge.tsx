import { memo } from 'react';
import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';
import { LABEL_FONT_PX, labelSizer, monospaceWidth, type LabelBox } from './label-size';

const PAD_X = 4;
const PAD_Y = 2;

let sizer: ((text: string) => LabelBox) | null = null;
/** Label sizes from a canvas measurement in the label's font (made on first use, in the browser). */
function labelSize(text: string): LabelBox {
  if (!sizer) {
    const ctx = document.createElement('canvas').getContext('2d');
    const family = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace';
    if (ctx) ctx.font = `${LABEL_FONT_PX}px ${family}`;
    sizer = labelSizer(ctx ? (t) => ctx.measureText(t).width : monospaceWidth());
  }
  return sizer(text);
}

/**
 * A connection: React Flow's bezier, with its tensor-shape label drawn at a size known in
 * advance (see label-size.ts), so mounting one costs no layout. Keeps React Flow's class names,
 * so the theme and the far-zoom rules style it as before.
 */
function ShapeEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, style, markerEnd, interactionWidth }: EdgeProps) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const text = typeof label === 'string' ? label : null;
  const box = text ? labelSize(text) : null;
  return (
    <>
      <BaseEdge id={id} path={path} style={style} markerEnd={markerEnd} interactionWidth={interactionWidth} />
      {text && box ? (
        <g className="react-flow__edge-textwrapper">
          <rect className="react-flow__edge-textbg" x={labelX - box.width / 2 - PAD_X} y={labelY - box.height / 2 - PAD_Y} width={box.width + 2 * PAD_X} height={box.height + 2 * PAD_Y} rx={3} ry={3} />
          <text className="react-flow__edge-text" x={labelX} y={labelY} textAnchor="middle" dominantBaseline="central">
            {text}
          </text>
        </g>
      ) : null}
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
