import { describe, expect, it } from 'vitest';
import type { GraphEdge } from '../../../shared/graph/document';
import { cardCentre, cardCentredAt, connectionSegments, keyedSpot, pointIn } from './card-geometry';
import type { FlowNodeLike, HandleFallback } from './overview';
import { NODE_SIZE } from './placement';

describe('cardCentre', () => {
  it('is the middle of the measured card', () => {
    expect(cardCentre({ position: { x: 100, y: 50 }, measured: { width: 200, height: 120 } })).toEqual({ x: 200, y: 110 });
  });
  it('counts an unmeasured card as NODE_SIZE', () => {
    expect(cardCentre({ position: { x: 0, y: 0 } })).toEqual({ x: NODE_SIZE.width / 2, y: NODE_SIZE.height / 2 });
    expect(cardCentre({ position: { x: 0, y: 0 }, measured: { width: 100 } })).toEqual({ x: 50, y: NODE_SIZE.height / 2 });
  });
});

describe('cardCentredAt', () => {
  it('puts a new card’s centre on the drop point, on whole pixels', () => {
    const at = cardCentredAt({ x: 300.4, y: 200.6 });
    expect(at).toEqual({ x: Math.round(300.4 - NODE_SIZE.width / 2), y: Math.round(200.6 - NODE_SIZE.height / 2) });
    expect(cardCentre({ position: at })).toEqual({ x: 300, y: 201 });
  });
});

describe('pointIn', () => {
  it('makes a client point relative to the box’s top-left corner', () => {
    expect(pointIn({ left: 240, top: 48 }, { x: 300, y: 100 })).toEqual({ x: 60, y: 52 });
  });
});

describe('keyedSpot', () => {
  const box = { left: 100, top: 50, right: 900, bottom: 650, width: 800, height: 600 };
  it('is the pointer while it is over the box, edges included', () => {
    expect(keyedSpot(box, { x: 400, y: 300 })).toEqual({ x: 400, y: 300 });
    expect(keyedSpot(box, { x: 900, y: 50 })).toEqual({ x: 900, y: 50 });
  });
  it('is the middle, a third of the way down, when the pointer is elsewhere or unknown', () => {
    expect(keyedSpot(box, null)).toEqual({ x: 500, y: 250 });
    expect(keyedSpot(box, { x: 901, y: 300 })).toEqual({ x: 500, y: 250 });
    expect(keyedSpot(box, { x: 400, y: 49 })).toEqual({ x: 500, y: 250 });
  });
});

describe('connectionSegments', () => {
  const fallback: HandleFallback = { size: { width: 200, height: 86 }, handleTop: 19, portGap: 18, inputIndex: (_n, port) => (port === 'in2' ? 1 : 0) };
  const card = (id: string, x: number, y: number, handleBounds?: FlowNodeLike['internals']['handleBounds']): FlowNodeLike => ({ id, data: {}, measured: { width: 200, height: 86 }, internals: { positionAbsolute: { x, y }, handleBounds } });
  const cards = new Map([
    ['a', card('a', 0, 0, { source: [{ id: 'out', x: 195, y: 14, width: 10, height: 10 }] })],
    ['m', card('m', 400, 100)],
  ]);
  const edge = (id: string, source: string, target: string, targetPort: string): GraphEdge => ({ id, source, target, targetPort }) as GraphEdge;

  it('runs from the output handle’s centre to the input port’s, measured or by the fallback', () => {
    expect(connectionSegments([edge('e', 'a', 'm', 'in2')], (id) => cards.get(id), fallback)).toEqual([{ id: 'e', a: { x: 200, y: 19 }, b: { x: 400, y: 100 + 19 + 18 } }]);
  });

  it('leaves out connections whose cards React Flow does not know', () => {
    expect(connectionSegments([edge('gone', 'a', 'x', 'in'), edge('e', 'a', 'm', 'in')], (id) => cards.get(id), fallback).map((s) => s.id)).toEqual(['e']);
  });
});
