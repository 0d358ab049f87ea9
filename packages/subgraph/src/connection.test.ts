import { decodeCursor, encodeCursor, pageSize, toConnection } from './connection';

describe('pageSize', () => {
  const limits = { defaultSize: 20, maxSize: 100 };

  it('uses the default when first is not given', () => {
    expect(pageSize(undefined, limits)).toBe(20);
    expect(pageSize(null, limits)).toBe(20);
  });

  it('accepts 1 to the maximum', () => {
    expect(pageSize(1, limits)).toBe(1);
    expect(pageSize(100, limits)).toBe(100);
  });

  it.each([0, -1, 101, 2.5])('refuses %p with BAD_USER_INPUT naming first', (first) => {
    expect(() => pageSize(first, limits)).toThrow(expect.objectContaining({ message: `first: must be between 1 and 100, but got: ${first}`, extensions: { code: 'BAD_USER_INPUT', field: 'first' } }));
  });
});

describe('cursors', () => {
  it('decode to what was encoded', () => {
    const cursor = encodeCursor(['2025-01-01T00:00:00.000Z', 'abc']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 2)).toEqual(['2025-01-01T00:00:00.000Z', 'abc']);
  });

  it.each([
    ['not base64', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['the wrong arity', encodeCursor(['one'])],
    ['not strings', Buffer.from('[1,2]').toString('base64url')],
    ['too long', 'a'.repeat(201)],
  ])('are refused when %s', (_what, cursor) => {
    expect(() => decodeCursor(cursor, 2)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
  });
});

describe('toConnection', () => {
  it('keeps size items and tells there is a next page from the extra one', () => {
    const connection = toConnection(['a', 'b', 'c'], 2, (item) => `c-${item}`);
    expect(connection).toEqual({
      edges: [
        { cursor: 'c-a', node: 'a' },
        { cursor: 'c-b', node: 'b' },
      ],
      nodes: ['a', 'b'],
      pageInfo: { hasNextPage: true, endCursor: 'c-b' },
    });
  });

  it('has no end cursor and no next page when empty', () => {
    expect(toConnection([], 5, String).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
