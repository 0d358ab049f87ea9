import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { ResultMap } from './resultTree';

/**
 * Answers "is this object of that type?" for the supergraph, from its `__typename`: Apollo Gateway's
 * `isObjectOfType` (@apollo/gateway/src/dataRewrites.ts), with each (type name, condition) pair decided
 * once and remembered, since a plan asks the same few pairs for every entity of every request.
 */
export class TypeMatcher {
  /** Condition → typename → answer: two lookups of strings the plan and the answers already hold, nothing built per call. */
  private readonly answers = new Map<string, Map<string, boolean>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** Whether `object` is of `typeCondition`; `defaultOnUnknown` when it carries no `__typename`. */
  isObjectOfType(object: ResultMap, typeCondition: string, defaultOnUnknown = false): boolean {
    const typename = object.__typename as unknown;
    if (!typename) return defaultOnUnknown;
    if (typename === typeCondition) return true;
    let byTypename = this.answers.get(typeCondition);
    if (!byTypename) {
      byTypename = new Map();
      this.answers.set(typeCondition, byTypename);
    }
    const name = String(typename);
    let answer = byTypename.get(name);
    if (answer === undefined) {
      answer = this.decide(name, typeCondition);
      byTypename.set(name, answer);
    }
    return answer;
  }

  private decide(typename: string, typeCondition: string): boolean {
    const type = this.schema.getType(typename);
    const condition = this.schema.getType(typeCondition);
    if (!type || !condition) return false;
    if (isAbstractType(condition)) return (isObjectType(type) || isInterfaceType(type)) && this.schema.isSubType(condition, type);
    return false;
  }
}
