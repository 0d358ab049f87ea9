import { applyPolicies, DateTimeScalar } from '@fedstack/subgraph';
import type { Resolvers } from '../__generated__/resolvers-types';
import type { OrdersContext } from '../context';
import { policies } from '../policies';
import { LineItem } from './LineItem';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { Query } from './Query';
import { User } from './User';

/** Every resolver of the orders subgraph, one file per GraphQL type, guarded by the rules in policies.ts. */
export const resolvers: Resolvers = applyPolicies<Resolvers, OrdersContext>({ DateTime: DateTimeScalar, Query, Mutation, Order, LineItem, User }, policies);
