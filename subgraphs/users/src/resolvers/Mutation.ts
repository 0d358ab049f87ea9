import { badUserInput, codedError, ErrorCode } from '@fedstack/server';
import { ObjectId } from 'mongodb';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { EmailTakenError, insertUser } from '../data/users';

// Deliberately simple: one @, something on each side, a dot in the domain, no spaces.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const Mutation: MutationResolvers = {
  createUser: async (_parent, { input }, { users, loaders, createdUserIds }) => {
    const email = input.email.trim().toLowerCase();
    const name = input.name.trim();
    if (email.length > 254 || !emailPattern.test(email)) throw badUserInput('input.email', 'must be an e-mail address of at most 254 characters');
    if (name.length < 1 || name.length > 200) throw badUserInput('input.name', 'must be 1 to 200 characters');
    try {
      const user = await insertUser(users, { _id: new ObjectId(), email, name, createdAt: new Date() });
      loaders.userById.prime(user._id, user);
      createdUserIds.add(user._id.toHexString());
      return user;
    } catch (error) {
      if (error instanceof EmailTakenError) throw codedError(ErrorCode.EMAIL_TAKEN, `A user with e-mail ${email} exists already.`, { field: 'input.email' });
      throw error;
    }
  },
};
