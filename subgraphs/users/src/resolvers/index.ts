import { applyPolicies, DateTimeScalar } from '@fedstack/subgraph';
import type { Resolvers } from '../__generated__/resolvers-types';
import type { UsersContext } from '../context';
import { policies } from '../policies';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { User } from './User';

/** Every resolver of the users subgraph, one file per GraphQL type, guarded by the rules in policies.ts. */
export const resolvers: Resolvers = applyPolicies<Resolvers, UsersContext>({ DateTime: DateTimeScalar, Query, Mutation, User }, policies);
