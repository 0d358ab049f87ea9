import { createSharedStringify } from './createSharedStringify';

/** What Apollo Server sends by default: prettyJSONStringify over the fields it has put in order (errors, data, extensions). */
const stock = (result: object) => `${JSON.stringify(result)}\n`;

describe('createSharedStringify', () => {
  it('writes the bytes Apollo Server writes, with and without errors and extensions', () => {
    const stringify = createSharedStringify();
    const results = [
      { errors: undefined, data: { a: [1, { b: 'x' }] }, extensions: undefined },
      { errors: [{ message: 'boom', path: ['a'] }], data: { a: null }, extensions: undefined },
      { errors: undefined, data: { a: 1 }, extensions: { valueCompletion: [] } },
      { errors: [{ message: 'no data' }], data: undefined, extensions: undefined },
      { errors: undefined, data: null, extensions: undefined },
    ];
    for (const result of results) expect(stringify(result)).toBe(stock(result));
  });

  it('serialises a shared answer once: every request with the same data gets the same text', () => {
    const stringify = createSharedStringify();
    const data = { user: { id: '1' } };
    const first = stringify({ data });
    // A second request's shallow copy, as inbound deduplication hands it over.
    data.user.id = 'changed after the first send';
    expect(stringify({ data })).toBe(first);
    expect(stringify({ data: { user: { id: '2' } } })).not.toBe(first);
  });

  it('serialises each answer with errors or extensions on its own, as they belong to one request', () => {
    const stringify = createSharedStringify();
    const data = { a: 1 };
    stringify({ data });
    expect(stringify({ errors: [{ message: 'late' }], data })).toBe(stock({ errors: [{ message: 'late' }], data }));
    expect(stringify({ data, extensions: { x: 1 } })).toBe(stock({ data, extensions: { x: 1 } }));
  });
});
