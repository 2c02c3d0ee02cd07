import { describe, expect, it } from 'vitest';
import { cardsWithLostHandles } from './lost-handles';

const size = { width: 180, height: 70 };
const bounds = { handleBounds: { source: [], target: [] } };

describe('cardsWithLostHandles', () => {
  it('lists the cards measured in the document but without handle positions in React Flow', () => {
    const internal = new Map([
      ['a', { internals: bounds }],
      ['b', { internals: {} }],
      ['c', { internals: {} }],
      ['d', { internals: {} }],
    ]);
    const nodes = [
      { id: 'a', measured: size }, // fine
      { id: 'b', measured: size }, // lost its handles
      { id: 'c' }, // not measured yet: React Flow measures it itself
      { id: 'd', measured: size, hidden: true }, // hidden cards have no handles
      { id: 'e', measured: size }, // not in React Flow yet
    ];
    expect(cardsWithLostHandles(nodes, (id) => internal.get(id))).toEqual(['b']);
  });

  it('ignores a zero size (a card measured while not laid out)', () => {
    expect(cardsWithLostHandles([{ id: 'a', measured: { width: 0, height: 0 } }], () => ({ internals: {} }))).toEqual([]);
  });
});
