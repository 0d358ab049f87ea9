import { MongoServerError, type Collection, type Db, type ObjectId } from 'mongodb';

/** A user as stored in the `users` collection. */
export interface UserDocument {
  _id: ObjectId;
  /** Lower-cased; unique (index `email_1`). */
  email: string;
  name: string;
  createdAt: Date;
}

/** The collection this subgraph owns. */
export function usersCollection(db: Db): Collection<UserDocument> {
  return db.collection<UserDocument>('users');
}

/** Creates the indexes the queries rely on. Safe to run on every start: existing indexes are kept. */
export async function ensureUserIndexes(users: Collection<UserDocument>): Promise<void> {
  await users.createIndex({ email: 1 }, { unique: true, name: 'email_1' });
}

/**
 * A page of users in `_id` order (ObjectIds grow with creation time), after `afterId` when given.
 * Fetches `size + 1` so the caller can tell whether there is a next page, all in the first batch (a
 * batch larger than the limit, so the server closes the cursor and no `getMore` follows).
 */
export function findUsersPage(users: Collection<UserDocument>, size: number, afterId: ObjectId | undefined): Promise<UserDocument[]> {
  return users
    .find(afterId ? { _id: { $gt: afterId } } : {})
    .sort({ _id: 1 })
    .limit(size + 1)
    .batchSize(size + 2)
    .toArray();
}

/** How many users there are. */
export function countUsers(users: Collection<UserDocument>): Promise<number> {
  return users.countDocuments();
}

/** Thrown by {@link insertUser} when the e-mail address is taken. */
export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

/** Inserts a user, or throws {@link EmailTakenError} when the unique index refuses the e-mail address. */
export async function insertUser(users: Collection<UserDocument>, user: UserDocument): Promise<UserDocument> {
  try {
    await users.insertOne(user);
    return user;
  } catch (error) {
    if (error instanceof MongoServerError && error.code === 11000) throw new EmailTakenError(user.email);
    throw error;
  }
}
