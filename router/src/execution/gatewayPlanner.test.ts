import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import type { QueryPlanner } from '@apollo/query-planner';
import { gatewayPlanner } from './ExecutingGateway';

const supergraphSdl = readFileSync(resolve(__dirname, '../../../schema/supergraph.graphql'), 'utf8');

describe('gatewayPlanner', () => {
  it("hands the router's executor Apollo Gateway's own planner for the supergraph it has just loaded, and nothing for another", async () => {
    const gateway = new ApolloGateway({ supergraphSdl });
    const seen: Array<{ same: QueryPlanner | undefined; other: QueryPlanner | undefined }> = [];
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
      seen.push({ same: gatewayPlanner(gateway, coreSupergraphSdl), other: gatewayPlanner(gateway, `${coreSupergraphSdl}\n# another supergraph`) });
    });
    await gateway.load();
    try {
      expect(seen).toHaveLength(1);
      const planner = gateway.__testing().queryPlanner;
      expect(planner).toBeDefined();
      expect(seen[0]!.same).toBe(planner);
      expect(seen[0]!.other).toBeUndefined();
    } finally {
      await gateway.stop();
    }
  });

  it('finds nothing on a gateway that has not loaded the supergraph yet, or that does not offer its planner', () => {
    expect(gatewayPlanner(new ApolloGateway({ supergraphSdl }), supergraphSdl)).toBeUndefined();
    // A gateway without `__testing` (a later Apollo Gateway may drop it): the executor builds its own.
    const withoutTesting = Object.assign(Object.create(ApolloGateway.prototype) as ApolloGateway, { __testing: undefined });
    expect(gatewayPlanner(withoutTesting, supergraphSdl)).toBeUndefined();
  });
});
