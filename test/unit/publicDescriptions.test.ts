import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeSupergraph, findDescriptionLeaks, schemaDir } from '@fedstack/devkit';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { readSubgraphList } from '@fedstack/router';

/**
 * Public descriptions (schema/api.graphql, introspection, GraphiQL's docs, generated type comments) come
 * from the subgraph that owns the type or field; a subgraph's notes about its own internals stay `#`
 * comments. `npm run compose` and `compose:check` fail on a leak; these pin the rule and the schema.
 */
const subgraphs = readSubgraphList(resolve(schemaDir, 'subgraphs.json'));
const sdl = subgraphs.map((subgraph) => ({ name: subgraph.name, sdl: readFileSync(subgraph.schema, 'utf8') }));
const composed = composeSupergraph(subgraphs);
if (!composed.ok) throw new Error(composed.errors.join('\n'));
const api = buildSchema(composed.apiSchemaSdl);
const owned = buildSchema(readFileSync(resolve(schemaDir, 'users.graphql'), 'utf8').replace(/^extend schema[^]*?\n\n/, ''), { assumeValid: true });

describe('public descriptions', () => {
  it("describe User and Query.user as the users subgraph, which owns them, does", () => {
    expect(api.getType('User')?.description).toBe(owned.getType('User')?.description);
    expect(api.getType('User')?.description).toMatch(/^A person who can place orders\./);
    expect(api.getQueryType()?.getFields().user?.description).toBe(owned.getQueryType()?.getFields().user?.description);
    expect((api.getType('User') as GraphQLObjectType).getFields().orders?.description).toMatch(/^The user's orders, newest first\./);
  });

  it('hold no leak in the SDL the repository composes', () => {
    expect(findDescriptionLeaks(sdl, composed.apiSchemaSdl)).toEqual([]);
  });

  it("catch a subgraph describing another's type, and a description about subgraphs", () => {
    const users = { name: 'users', sdl: '"A person." type User @key(fields: "id") { id: ID! name: String! } type Query { "A user." user(id: ID!): User }' };
    const orders = {
      name: 'orders',
      sdl: '"The orders subgraph\'s view of a user." type User @key(fields: "id") { id: ID! "Their orders." orders: [String!] } type Query { "Not checked here." user(id: ID!): User }',
    };
    const leakyApi = 'type User { id: ID! name: String! "Their orders." orders: [String!] } "The orders subgraph\'s view." type Query { user(id: ID!): User }';
    expect(findDescriptionLeaks([users, orders], leakyApi)).toEqual([
      "User is described by users and orders differently: only the subgraph that owns it describes it; make the others' notes # comments.",
      "Query.user is described by users and orders differently: only the subgraph that owns it describes it; make the others' notes # comments.",
      'Query\'s public description mentions a subgraph ("The orders subgraph\'s view."): make that a # comment.',
    ]);
  });
});
