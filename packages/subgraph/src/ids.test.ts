import { GraphQLError } from 'graphql';
import { parseId } from './ids';

describe('parseId', () => {
  it('accepts 24 hex characters in either case', () => {
    expect(parseId('AAAAAAAAAAAAAAAAAAAAAAAA', 'id').toHexString()).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
  });

  it.each(['', 'abc', 'aaaaaaaaaaaa', 'g'.repeat(24), 'a'.repeat(25)])('refuses %p with BAD_USER_INPUT naming the field', (value) => {
    expect(() => parseId(value, 'input.userId')).toThrow(GraphQLError);
    expect(() => parseId(value, 'input.userId')).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'input.userId' } }));
  });
});
