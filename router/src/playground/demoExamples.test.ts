import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoDataSet, demoOrders, demoUsers, schemaDir } from '@fedstack/devkit';
import { buildSchema, getVariableValues, parse, validate, type OperationDefinitionNode } from 'graphql';
import { demoExampleTabs, demoOrderId, demoUserId } from './demoExamples';

const apiSchema = buildSchema(readFileSync(resolve(schemaDir, 'api.graphql'), 'utf8'));

describe('the playground’s example tabs', () => {
  it('name the first user and the first order of the demo data', () => {
    const users = demoUsers(demoDataSet.users);
    expect(users[0]!._id.toHexString()).toBe(demoUserId);
    expect(demoOrders(users, demoDataSet.orders)[0]!._id.toHexString()).toBe(demoOrderId);
  });

  it('open on a user and their orders, then paging, an order with its user, and placing an order', () => {
    const names = demoExampleTabs.map((tab) => (parse(tab.query).definitions[0] as OperationDefinitionNode).name?.value);
    expect(names).toEqual(['UserWithOrders', 'UsersPage', 'OrderWithUser', 'PlaceOrder']);
  });

  it.each(demoExampleTabs.map((tab) => [(parse(tab.query).definitions[0] as OperationDefinitionNode).name!.value, tab]))(
    '%s validates against schema/api.graphql, and so do its variables',
    (_name, tab) => {
      const document = parse(tab.query);
      expect(validate(apiSchema, document)).toEqual([]);
      const operation = document.definitions[0] as OperationDefinitionNode;
      const coerced = getVariableValues(apiSchema, operation.variableDefinitions ?? [], JSON.parse(tab.variables ?? '{}') as Record<string, unknown>);
      expect(coerced.errors).toBeUndefined();
    },
  );
});
