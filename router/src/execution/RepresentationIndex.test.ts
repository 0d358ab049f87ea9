import { RepresentationIndex } from './RepresentationIndex';

describe('RepresentationIndex', () => {
  it('numbers equal representations alike and the others in order', () => {
    const index = new RepresentationIndex();
    const numbers = [
      { __typename: 'Book', upc: 'b0' },
      { __typename: 'Book', upc: 'b1' },
      { __typename: 'Book', upc: 'b0' },
      { __typename: 'Furniture', upc: 'b0' },
      { __typename: 'Book', upc: 'b1' },
    ].map((representation) => index.numberOf(representation));
    expect(numbers).toEqual([0, 1, 0, 2, 1]);
    expect(index.size).toBe(3);
  });

  it('tells values apart as their JSON does', () => {
    const index = new RepresentationIndex();
    const distinct = [
      { __typename: 'T', id: 1 },
      { __typename: 'T', id: '1' },
      { __typename: 'T', id: true },
      { __typename: 'T', id: 'true' },
      { __typename: 'T', id: null },
      { __typename: 'T', id: 'null' },
      { __typename: 'T', id: { a: 1 } },
      { __typename: 'T', id: '{"a":1}' },
      { __typename: 'T', id: [1, 2] },
      { __typename: 'T', id: '[1,2]' },
      { __typename: 'T', id: { a: 2 } },
      // Another key, or the same keys in another order, is another representation.
      { __typename: 'T', key: 1 },
      { id: 1, __typename: 'T' },
      { __typename: 'T', id: 1, extra: 1 },
    ];
    expect(distinct.map((representation) => index.numberOf(representation))).toEqual(distinct.map((_, i) => i));
    // Each again: its own number.
    expect(distinct.map((representation) => index.numberOf(structuredClone(representation)))).toEqual(distinct.map((_, i) => i));
    // JSON writes -0 as 0: one value.
    const zero = index.numberOf({ __typename: 'T', id: 0 });
    expect(zero).toBe(distinct.length);
    expect(index.numberOf({ __typename: 'T', id: -0 })).toBe(zero);
    expect(index.numberOf({ __typename: 'T', id: { a: 1 } })).toBe(6);
  });
});

describe('RepresentationIndex, one representation the start of another', () => {
  it('numbers each apart, in either order', () => {
    const shortFirst = new RepresentationIndex();
    expect([{ __typename: 'T' }, { __typename: 'T', id: 1 }, { __typename: 'T' }, { __typename: 'T', id: 1 }].map((each) => shortFirst.numberOf(each))).toEqual([0, 1, 0, 1]);
    const longFirst = new RepresentationIndex();
    expect([{ __typename: 'T', id: 1 }, { __typename: 'T' }, { __typename: 'T', id: 1 }, { __typename: 'T' }, {}].map((each) => longFirst.numberOf(each))).toEqual([0, 1, 0, 1, 2]);
    expect(longFirst.size).toBe(3);
  });
});
