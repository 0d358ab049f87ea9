import { ownerOrAdmin, type Policies, type Policy } from '@fedstack/subgraph';
import type { UsersContext } from './context';
import type { UserDocument } from './data/users';

const ownerOrAdminOfUser = ownerOrAdmin((user: UserDocument) => user._id.toHexString());

/**
 * A user's e-mail address is theirs and admins'; and, in `createUser`'s answer, whoever created the
 * user: sign-up is open to anonymous callers, who would otherwise get `email: null` and an error for
 * the address they just sent.
 */
const emailPolicy: Policy<UsersContext> = (user, args, context, info) =>
  context.createdUserIds.has((user as UserDocument)._id.toHexString()) ? undefined : ownerOrAdminOfUser(user, args, context, info);

/** Who may see what in the users subgraph: every rule in one place (docs/security.md has the table). */
export const policies: Policies<UsersContext> = {
  User: {
    email: emailPolicy,
  },
};
