import { DateTimeScalar } from '@fedstack/common';
import type { Resolvers } from '../__generated__/resolvers-types';
import { LineItem } from './LineItem';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { Query } from './Query';
import { User } from './User';

/** Every resolver of the orders subgraph, one file per GraphQL type. */
export const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, Order, LineItem, User };
