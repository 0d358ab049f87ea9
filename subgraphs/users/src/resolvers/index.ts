import { DateTimeScalar } from '@fedstack/common';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { User } from './User';

/** Every resolver of the users subgraph, one file per GraphQL type. */
export const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, User };
