import { BSON, MongoServerError } from 'mongodb';

/**
 * A database command's answer as canonical Extended JSON, every BSON type told apart (5, 5L and 5.0
 * differ), for differential tests that compare two servers. A server's refusal is an answer to
 * compare too (its code and message); anything else is the test's own failure and is thrown.
 */
export async function ejsonAnswer(run: () => Promise<unknown>): Promise<string> {
  try {
    return BSON.EJSON.stringify(await run(), { relaxed: false });
  } catch (error) {
    if (!(error instanceof MongoServerError)) throw error;
    return `error ${error.code ?? ''} ${error.message}`;
  }
}
