import { ownerOrAdmin, type Policies } from '@fedstack/common';
import type { UsersContext } from './context';
import type { UserDocument } from './data/users';

/** Who may see what in the users subgraph: every rule in one place (docs/security.md has the table). */
export const policies: Policies<UsersContext> = {
  User: {
    email: ownerOrAdmin((user: UserDocument) => user._id.toHexString()),
  },
};
