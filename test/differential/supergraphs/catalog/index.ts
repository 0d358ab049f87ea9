import type { SupergraphFixture } from '../../kit/types';

const federation = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ${JSON.stringify(imports)})`;

type MediaRecord = { kind: 'Movie' | 'Song'; id: string; title: string; runtime?: number | null; artist?: { name: string; country: { code: string } } };
const media: MediaRecord[] = [
  { kind: 'Movie', id: 'm1', title: 'Arrival', runtime: 116 },
  { kind: 'Song', id: 's1', title: 'Hurt', artist: { name: 'Cash', country: { code: 'US' } } },
  { kind: 'Movie', id: 'm2', title: 'Solaris', runtime: 167 },
  { kind: 'Song', id: 's2', title: 'Jolene', artist: { name: 'Parton', country: { code: 'US' } } },
  { kind: 'Song', id: 's3', title: 'Wonderwall', artist: { name: 'Oasis', country: { code: 'GB' } } },
];
// A movie whose non-null runtime its subgraph fails to give: the null must bubble.
const broken: MediaRecord = { kind: 'Movie', id: 'm9', title: 'Lost', runtime: null };
const byId = new Map([...media, broken].map((record) => [record.id, record]));

/**
 * Media in three subgraphs: an entity interface with an @interfaceObject in another subgraph, a key
 * of several fields with a nested object (`country { code } name`), @override, @shareable value types
 * on both sides, and non-null fields that come back null (null bubbling up to the nearest nullable).
 */
export function catalogFixture(): SupergraphFixture {
  return {
    name: 'catalog',
    title: '@interfaceObject, @override, multi-field and nested keys, null bubbling',
    subgraphs: [
      {
        name: 'media',
        typeDefs: `${federation(['@key', '@shareable'])}
          interface Media @key(fields: "id") { id: ID! title: String! }
          type Movie implements Media @key(fields: "id") { id: ID! title: String! runtime: Int! }
          type Song implements Media @key(fields: "id") { id: ID! title: String! artist: Artist! }
          type Country @shareable { code: String! }
          type Artist @key(fields: "country { code } name") { name: String! country: Country! bio: String }
          type Query { media: [Media!]! mediaById(id: ID!): Media nullableMedia: [Media] strictMedia: [Media!]! }`,
        resolvers: {
          Query: {
            media: () => media,
            mediaById: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
            nullableMedia: () => [media[0], broken, media[1]],
            strictMedia: () => [media[0], broken],
          },
          Media: { __resolveType: (record: MediaRecord) => record.kind, __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null },
          Movie: { __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null },
          Song: { __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null },
          Artist: { bio: () => 'the media subgraph no longer answers this (overridden)' },
        },
      },
      {
        name: 'ratings',
        typeDefs: `${federation(['@key', '@interfaceObject'])}
          type Media @key(fields: "id") @interfaceObject { id: ID! stars: Int! reviewsCount: Int }
          type Query { topRated: [Media!]! }`,
        resolvers: {
          Query: { topRated: () => [{ id: 's1' }, { id: 'm1' }, { id: 's3' }] },
          Media: {
            __resolveReference: ({ id }: { id: string }) => ({ id }),
            // m9's stars are null although non-null: its Media object must become null.
            stars: ({ id }: { id: string }) => (id === 'm9' ? null : id.charCodeAt(1) % 5),
            reviewsCount: ({ id }: { id: string }) => (id.startsWith('s') ? 10 : null),
          },
        },
      },
      {
        name: 'labels',
        typeDefs: `${federation(['@key', '@shareable', '@override'])}
          type Country @shareable { code: String! name: String }
          type Artist @key(fields: "country { code } name") { name: String! country: Country! label: String! fans: Int bio: String @override(from: "media") }`,
        resolvers: {
          Artist: {
            __resolveReference: (reference: { name: string; country: { code: string } }) => ({ ...reference, label: `${reference.name} Records`, fans: reference.name.length * 1000 }),
            bio: (artist: { name: string }) => `${artist.name}, from the labels subgraph`,
          },
          Country: { name: (country: { code: string }) => (country.code === 'US' ? 'United States' : null) },
        },
      },
    ],
    operations: [
      { name: 'an entity interface with fields from an @interfaceObject', query: '{ media { __typename id title stars reviewsCount ... on Song { artist { name } } } }' },
      { name: 'a root field of the @interfaceObject subgraph, typed by another', query: '{ topRated { __typename id title stars ... on Movie { runtime } ... on Song { artist { label } } } }' },
      { name: 'a nested multi-field key and @override', query: '{ media { ... on Song { artist { name country { code } label fans bio } } } }' },
      { name: 'a @shareable value type answered from either side', query: '{ mediaById(id: "s2") { ... on Song { artist { country { code } } } } }' },
      { name: 'null bubbling to a nullable list element', errors: true, query: '{ nullableMedia { id title ... on Movie { runtime } } }' },
      { name: 'null bubbling through a non-null list to data: null', errors: true, query: '{ strictMedia { id ... on Movie { runtime } } }' },
      { name: 'a non-null field of an @interfaceObject that comes back null', errors: true, query: '{ mediaById(id: "m9") { id stars } }' },
      { name: 'fragments on the entity interface, spread and inline', query: 'fragment M on Media { id ... on Movie { title } } { a: media { ...M ... on Song { s: title } } b: mediaById(id: "m1") { ...M } }' },
      { name: 'an id nobody has', query: '{ mediaById(id: "x") { id title stars } }' },
      {
        name: 'values of the wrong type from two subgraphs: nullable fields become null, with a note each',
        query: '{ nullableMedia { id title reviewsCount } media { ... on Song { artist { name fans label } } } }',
        faults: [
          { subgraph: 'ratings', fault: 'wrong-leaf-types' },
          { subgraph: 'labels', fault: 'wrong-leaf-types' },
        ],
      },
    ],
  };
}
