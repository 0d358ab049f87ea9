import { ObjectId } from 'mongodb';
import { badUserInput } from '@fedstack/server';

const objectIdPattern = /^[0-9a-f]{24}$/i;

/**
 * Parses a GraphQL `ID` into a MongoDB ObjectId, or throws `BAD_USER_INPUT` naming `field`.
 * Only the 24-hex-character form is accepted: the driver would also take any 12-byte string, which
 * would let `"aaaaaaaaaaaa"` through as an id.
 */
export function parseId(value: string, field: string): ObjectId {
  if (!objectIdPattern.test(value)) {
    throw badUserInput(field, `must be 24 hexadecimal characters, but got: ${JSON.stringify(value.slice(0, 40))}`);
  }
  return ObjectId.createFromHexString(value.toLowerCase());
}
