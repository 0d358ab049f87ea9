import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { ResultMap } from './resultTree';

/**
 * Answers "is this object of that type?" for the supergraph, from its `__typename`: Apollo Gateway's
 * `isObjectOfType` (@apollo/gateway/src/dataRewrites.ts), with each (type name, condition) pair decided
 * once and remembered, since a plan asks the same few pairs for every entity of every request.
 */
export class TypeMatcher {
  private readonly answers = new Map<string, boolean>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** Whether `object` is of `typeCondition`; `defaultOnUnknown` when it carries no `__typename`. */
  isObjectOfType(object: ResultMap, typeCondition: string, defaultOnUnknown = false): boolean {
    const typename = object.__typename as unknown;
    if (!typename) return defaultOnUnknown;
    if (typename === typeCondition) return true;
    const key = `${typeCondition}\n${String(typename)}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.decide(String(typename), typeCondition);
      this.answers.set(key, answer);
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
