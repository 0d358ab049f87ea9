import type { Supergraph } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, QueryPlanSelectionNode, ResponsePath } from '@apollo/query-planner';
import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { TypeMatcher } from './TypeMatcher';

/**
 * Per subgraph, entity type and field: the fields its `@requires` selects whose selection takes
 * arguments anywhere (`price(currency: "EUR")`, `comments(limit: 1) { id }`), as parsed from the field set.
 */
export type RequiresWithArguments = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, readonly FieldNode[]>>>;

/** The client's operation, to learn which arguments it gave a field the plan also requires. */
export interface ClientOperation {
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/**
 * Reads every `@requires` of the supergraph's subgraphs whose fields take arguments; undefined when there
 * is none, which is most supergraphs: then {@link rewriteRequiresArguments} is never called and plans
 * are the query planner's, untouched. Required fields inside an inline fragment of the field set are
 * not read (their plans stay the planner's).
 */
export function readRequiresWithArguments(supergraph: Supergraph): RequiresWithArguments | undefined {
  const bySubgraph = new Map<string, Map<string, Map<string, FieldNode[]>>>();
  for (const subgraph of supergraph.subgraphs()) {
    const requires = subgraph.metadata().requiresDirective();
    for (const type of [...subgraph.schema.objectTypes(), ...subgraph.schema.interfaceTypes()]) {
      for (const field of type.fields()) {
        for (const applied of field.appliedDirectivesOf(requires)) {
          const fieldSet = String(applied.arguments().fields);
          const selections = (parse(`{${fieldSet}}`, { noLocation: true }).definitions[0] as OperationDefinitionNode).selectionSet.selections;
          const withArguments = selections.filter((selection): selection is FieldNode => selection.kind === Kind.FIELD && takesArguments(selection));
          if (withArguments.length === 0) continue;
          let byType = bySubgraph.get(subgraph.name);
          if (!byType) bySubgraph.set(subgraph.name, (byType = new Map()));
          let byField = byType.get(type.name);
          if (!byField) byType.set(type.name, (byField = new Map()));
          byField.set(field.name, [...(byField.get(field.name) ?? []), ...withArguments]);
        }
      }
    }
  }
  return bySubgraph.size > 0 ? bySubgraph : undefined;
}

/**
 * Makes a query plan give every `@requires` the field it names with the arguments it names, where the
 * query planner does not: run once per operation, at plan time, and kept with the plan.
 *
 * The planner (@apollo/query-planner, shared with stock Apollo Gateway) treats selections of one field
 * that differ only by their arguments as one. So `shippingEur @requires(fields: "price(currency: \"EUR\")")`
 * next to the client's `price(currency: "USD")` gets the USD price; two fields requiring `price` in two
 * currencies both get whichever the planner picked; and the client's own `price(currency: "USD")` can
 * even come back in EUR when the requirement was planned first. The plan's `requires` selection carries
 * no arguments, so the executor cannot tell which value a representation needs: the plan has to change.
 *
 * What changes, and only where a requirement is not already met by the field the plan fetches:
 *
 * - in the fetch that fetches the required field (found by following the dependent fetch's path through
 *   the fetches that run before it), the field the client selected gets the client's arguments back,
 *   and each other argument set a requirement needs is selected beside it under an alias of its own
 *   (`price__requires_0: price(currency: "EUR")`);
 * - the dependent `_entities` fetch's `requires` reads the field from that alias (a `requires` field
 *   with an alias is read from the alias and sent under the field's own name: compileRepresentation);
 * - a representation carries one `price`, so when fields of one `_entities` fetch need different
 *   argument sets, the fetch is split into one fetch per set, run in parallel at the same path.
 *
 * Anything the rewrite does not recognise (a producing fetch with named fragments, a required field
 * fetched by no earlier fetch, `@defer`) leaves that fetch as the planner planned it.
 */
export function rewriteRequiresArguments(plan: QueryPlan, client: ClientOperation, required: RequiresWithArguments, types: TypeMatcher): QueryPlan {
  const root = plan.node;
  if (!root || root.kind === 'Subscription') return plan;
  const located: LocatedFetch[] = [];
  if (!locateFetches(root, [], [], located)) return plan;
  const rewrite = new PlanRewrite(client, required, types);
  for (const fetch of located) rewrite.satisfyRequirements(fetch);
  if (!rewrite.changed()) return plan;
  return { ...plan, node: rewrite.rebuild(root) };
}

/** A fetch of the plan, where its answer goes in the response, and the fetches that have run before it. */
interface LocatedFetch {
  fetch: FetchNode;
  path: ResponsePath;
  before: readonly LocatedFetch[];
}

/** Collects the plan's fetches in `out`; returns the fetches of `node`, or undefined for a plan the rewrite leaves alone. */
function locateFetches(node: PlanNode, path: ResponsePath, before: readonly LocatedFetch[], out: LocatedFetch[]): LocatedFetch[] | undefined {
  switch (node.kind) {
    case 'Fetch': {
      const located = { fetch: node, path, before };
      out.push(located);
      return [located];
    }
    case 'Flatten':
      return locateFetches(node.node, [...path, ...node.path], before, out);
    case 'Sequence': {
      let seen = before;
      const all: LocatedFetch[] = [];
      for (const child of node.nodes) {
        const inner = locateFetches(child, path, seen, out);
        if (!inner) return undefined;
        seen = [...seen, ...inner];
        all.push(...inner);
      }
      return all;
    }
    case 'Parallel': {
      const all: LocatedFetch[] = [];
      for (const child of node.nodes) {
        const inner = locateFetches(child, path, before, out);
        if (!inner) return undefined;
        all.push(...inner);
      }
      return all;
    }
    case 'Condition': {
      const all: LocatedFetch[] = [];
      for (const branch of [node.ifClause, node.elseClause]) {
        if (!branch) continue;
        const inner = locateFetches(branch, path, before, out);
        if (!inner) return undefined;
        all.push(...inner);
      }
      return all;
    }
    case 'Defer':
      return undefined;
  }
}

/** Where a fetch selects a required field: the field, and the selection set it sits in. */
interface Site {
  fetch: FetchNode;
  parent: SelectionSetNode;
  field: FieldNode;
}

/** The edits to one fetch's operation. */
interface FetchEdits {
  document: DocumentNode;
  /** Fields whose arguments become the client's. */
  arguments: Map<FieldNode, readonly ArgumentNode[]>;
  /** Aliased required fields to add to a selection set, by alias. */
  additions: Map<SelectionSetNode, Map<string, FieldNode>>;
  /** The client's variables the new arguments use. */
  variables: Map<string, VariableDefinitionNode>;
  /** For an `_entities` fetch split by argument sets: the fields of its fragments each new fetch selects, and how each reads its requirements. */
  groups?: Group[];
}

/** One `_entities` fetch of a split: the selections it keeps, and for each `Type\nfield` required, the key it reads. */
interface Group {
  selections: Set<SelectionNode>;
  reads: Map<string, string>;
}

/** One rewrite of one plan: the edits decided fetch by fetch, then applied to a copy of the plan. */
class PlanRewrite {
  private readonly edits = new Map<FetchNode, FetchEdits>();
  /** Aliases given, by path, field and argument set. */
  private readonly aliases = new Map<string, string>();
  /** Fetches the rewrite cannot edit (named fragments in the operation). */
  private readonly opaque = new Set<FetchNode>();

  constructor(
    private readonly client: ClientOperation,
    private readonly required: RequiresWithArguments,
    private readonly types: TypeMatcher,
  ) {}

  changed(): boolean {
    for (const edits of this.edits.values()) {
      if (edits.arguments.size > 0 || edits.additions.size > 0 || edits.groups) return true;
    }
    return false;
  }

  /** Decides where each requirement of an `_entities` fetch reads its fields from, editing the fetches that produce them. */
  satisfyRequirements({ fetch, path, before }: LocatedFetch): void {
    const byType = this.required.get(fetch.serviceName);
    if (!fetch.requires || !byType) return;
    const document = this.documentOf(fetch);
    const entities = entitiesField(document);
    if (!entities) return;
    const fragments = entities.selectionSet?.selections ?? [];
    if (!fragments.every((fragment) => fragment.kind === Kind.INLINE_FRAGMENT && fragment.typeCondition)) return;
    const entries: Array<{ selection: SelectionNode; reads: Map<string, string> }> = [];
    let needsRewrite = false;
    for (const fragment of fragments) {
      if (fragment.kind !== Kind.INLINE_FRAGMENT || !fragment.typeCondition) continue;
      const type = fragment.typeCondition.name.value;
      for (const selection of fragment.selectionSet.selections) {
        const reads = new Map<string, string>();
        const requirements = selection.kind === Kind.FIELD ? byType.get(type)?.get(selection.name.value) : undefined;
        for (const requirement of requirements ?? []) {
          const key = this.keyFor(path, before, type, requirement);
          // Left as planned (an alias already added to a producing fetch is fetched and not read: the answer is stock's).
          if (key === undefined) return;
          if (key !== requirement.name.value) needsRewrite = true;
          reads.set(`${type}\n${requirement.name.value}`, key);
        }
        entries.push({ selection, reads });
      }
    }
    if (!needsRewrite) return;
    const groups: Group[] = [];
    for (const { selection, reads } of entries) {
      if (reads.size === 0) continue;
      let group = groups.find((candidate) => [...reads].every(([name, key]) => (candidate.reads.get(name) ?? key) === key));
      if (!group) groups.push((group = { selections: new Set(), reads: new Map() }));
      group.selections.add(selection);
      for (const [name, key] of reads) group.reads.set(name, key);
    }
    this.editsOf(fetch).groups = groups;
  }

  /**
   * The key of the entities' objects that holds `requirement` as it is written, giving it an alias in
   * the producing fetches when the field they fetch has other arguments; undefined when the producing
   * fetches are not found or cannot be edited.
   */
  private keyFor(path: ResponsePath, before: readonly LocatedFetch[], type: string, requirement: FieldNode): string | undefined {
    const name = requirement.name.value;
    const sites: Site[] = [];
    for (const producer of before) {
      const found = this.sitesIn(producer, path, type, name);
      if (!found) return undefined;
      sites.push(...found);
    }
    if (sites.length === 0) return undefined;
    for (const site of sites) this.restoreClientArguments(site, path, type);
    if (sites.every((site) => argumentsKey(this.argumentsOf(site)) === argumentsKey(requirement.arguments) && covers(site.field.selectionSet, requirement.selectionSet, false))) return name;
    // The producing subgraph must resolve the whole required selection itself, or an aliased copy would lack what other fetches add.
    if (!sites.every((site) => covers(site.field.selectionSet, requirement.selectionSet, true))) return undefined;
    const placeKey = `${path.join('.')}\n${name}`;
    const variantKey = `${placeKey}\n${print(requirement)}`;
    let alias = this.aliases.get(variantKey);
    if (!alias) {
      const taken = new Set([...this.aliases.values()]);
      for (const site of sites) for (const selection of site.parent.selections) if (selection.kind === Kind.FIELD) taken.add((selection.alias ?? selection.name).value);
      for (let i = 0; ; i++) {
        alias = `${name}__requires_${i}`;
        if (!taken.has(alias)) break;
      }
      this.aliases.set(variantKey, alias);
    }
    for (const site of sites) {
      const additions = this.editsOf(site.fetch).additions;
      let added = additions.get(site.parent);
      if (!added) additions.set(site.parent, (added = new Map()));
      added.set(alias, { ...requirement, alias: { kind: Kind.NAME, value: alias } });
    }
    return alias;
  }

  /** Where `producer` selects the field `name` of `type` at `path`; undefined when it might but cannot be read. */
  private sitesIn({ fetch, path: fetchPath }: LocatedFetch, path: ResponsePath, type: string, name: string): Site[] | undefined {
    if (fetchPath.length > path.length || fetchPath.some((element, i) => element !== path[i])) return [];
    const document = this.documentOf(fetch);
    if (this.opaque.has(fetch)) return undefined;
    let sets: SelectionSetNode[];
    if (fetch.requires) {
      const entities = entitiesField(document);
      if (!entities?.selectionSet) return undefined;
      sets = [entities.selectionSet];
    } else {
      sets = [(document.definitions[0] as OperationDefinitionNode).selectionSet];
    }
    for (const element of path.slice(fetchPath.length)) {
      if (element === '@') continue;
      const next: SelectionSetNode[] = [];
      for (const set of sets) for (const { field } of this.fieldsNamed(set, String(element), undefined, undefined)) if (field.selectionSet) next.push(field.selectionSet);
      sets = next;
    }
    const sites: Site[] = [];
    for (const set of sets) {
      for (const { field, parent } of this.fieldsNamed(set, name, type, undefined)) {
        if (field.name.value !== name) return undefined;
        sites.push({ fetch, parent, field });
      }
    }
    return sites;
  }

  /**
   * Where the client selects the field at the site's place, it gets the client's arguments, whatever
   * the planner merged into it: the client's answer is read from that key.
   */
  private restoreClientArguments(site: Site, path: ResponsePath, type: string): void {
    const edits = this.editsOf(site.fetch);
    if (edits.arguments.has(site.field)) return;
    let sets = [this.client.operation.selectionSet];
    for (const element of path) {
      if (element === '@') continue;
      sets = sets.flatMap((set) => this.fieldsNamed(set, String(element), undefined, this.client.fragments).flatMap(({ field }) => (field.selectionSet ? [field.selectionSet] : [])));
    }
    const name = site.field.name.value;
    const fields = sets.flatMap((set) => this.fieldsNamed(set, name, type, this.client.fragments).map(({ field }) => field));
    const keys = new Set(fields.map((field) => argumentsKey(field.arguments)));
    const first = fields[0];
    if (!first || keys.size !== 1 || first.name.value !== name || argumentsKey(first.arguments) === argumentsKey(site.field.arguments)) return;
    edits.arguments.set(site.field, first.arguments ?? []);
    const definitions = this.client.operation.variableDefinitions ?? [];
    visit(first, {
      Variable: ({ name: { value } }) => {
        const definition = definitions.find((candidate) => candidate.variable.name.value === value);
        if (definition) edits.variables.set(value, definition);
      },
    });
  }

  private argumentsOf(site: Site): readonly ArgumentNode[] | undefined {
    return this.edits.get(site.fetch)?.arguments.get(site.field) ?? site.field.arguments;
  }

  /**
   * The fields answering to `responseName` in a selection set, through inline fragments and (in the
   * client's operation) named ones; at the place of the entity, only fragments that can apply to `type`.
   */
  private fieldsNamed(set: SelectionSetNode, responseName: string, type: string | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode> | undefined): Array<{ field: FieldNode; parent: SelectionSetNode }> {
    const found: Array<{ field: FieldNode; parent: SelectionSetNode }> = [];
    const applies = (condition: string | undefined) => !type || !condition || condition === type || this.types.isObjectOfType({ __typename: type }, condition);
    const walk = (current: SelectionSetNode) => {
      for (const selection of current.selections) {
        if (selection.kind === Kind.FIELD) {
          if ((selection.alias ?? selection.name).value === responseName) found.push({ field: selection, parent: current });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (applies(selection.typeCondition?.name.value)) walk(selection.selectionSet);
        } else {
          const fragment = fragments?.get(selection.name.value);
          if (fragment && applies(fragment.typeCondition.name.value)) walk(fragment.selectionSet);
        }
      }
    };
    walk(set);
    return found;
  }

  private documentOf(fetch: FetchNode): DocumentNode {
    const existing = this.edits.get(fetch);
    if (existing) return existing.document;
    const document = parse(fetch.operation, { noLocation: true });
    // A named fragment may be spread in several places: an edit inside it would reach them all.
    if (document.definitions.some((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)) this.opaque.add(fetch);
    this.edits.set(fetch, { document, arguments: new Map(), additions: new Map(), variables: new Map() });
    return document;
  }

  private editsOf(fetch: FetchNode): FetchEdits {
    this.documentOf(fetch);
    return this.edits.get(fetch)!;
  }

  /** The plan with every edited fetch replaced: by itself edited, or by one fetch per group in parallel. */
  rebuild(node: PlanNode): PlanNode {
    switch (node.kind) {
      case 'Fetch': {
        const fetches = this.rewriteFetch(node);
        return fetches.length === 1 ? fetches[0]! : { kind: 'Parallel', nodes: fetches };
      }
      case 'Flatten': {
        if (node.node.kind === 'Fetch') {
          const fetches = this.rewriteFetch(node.node);
          if (fetches.length > 1) return { kind: 'Parallel', nodes: fetches.map((fetch) => ({ kind: 'Flatten', path: node.path, node: fetch })) };
          return fetches[0] === node.node ? node : { ...node, node: fetches[0]! };
        }
        return { ...node, node: this.rebuild(node.node) };
      }
      case 'Sequence':
      case 'Parallel':
        return { ...node, nodes: node.nodes.map((child) => this.rebuild(child)) };
      case 'Condition':
        return { ...node, ifClause: node.ifClause && this.rebuild(node.ifClause), elseClause: node.elseClause && this.rebuild(node.elseClause) };
      case 'Defer':
        return node;
    }
  }

  private rewriteFetch(fetch: FetchNode): FetchNode[] {
    const edits = this.edits.get(fetch);
    if (!edits || (edits.arguments.size === 0 && edits.additions.size === 0 && !edits.groups)) return [fetch];
    const groups = edits.groups ?? [undefined];
    return groups.map((group, index) => {
      const document = editDocument(edits, group, index === 0);
      const operation = stripIgnoredCharacters(print(document));
      const rewritten: FetchNode = { ...fetch, operation };
      if (fetch.operationDocumentNode) rewritten.operationDocumentNode = parse(operation);
      if (edits.variables.size > 0) rewritten.variableUsages = [...new Set([...(fetch.variableUsages ?? []), ...edits.variables.keys()])];
      if (group && fetch.requires) rewritten.requires = readRequirementsFrom(fetch.requires, group.reads, undefined);
      if (index > 0) delete rewritten.id;
      return rewritten;
    });
  }
}

/**
 * Applies a fetch's edits to its operation; for one group of a split `_entities` fetch, keeps the
 * fields of that group (and, in the first group, every selection no requirement placed).
 */
function editDocument(edits: FetchEdits, group: Group | undefined, first: boolean): DocumentNode {
  const entities = group ? entitiesField(edits.document) : undefined;
  const fragmentSets = new Set(entities?.selectionSet?.selections.flatMap((selection) => (selection.kind === Kind.INLINE_FRAGMENT ? [selection.selectionSet] : [])));
  const grouped = new Set<SelectionNode>();
  for (const candidate of edits.groups ?? []) for (const selection of candidate.selections) grouped.add(selection);
  return visit(edits.document, {
    OperationDefinition: (node) => {
      if (edits.variables.size === 0) return undefined;
      const declared = new Set((node.variableDefinitions ?? []).map((definition) => definition.variable.name.value));
      const added = [...edits.variables.values()].filter((definition) => !declared.has(definition.variable.name.value));
      return { ...node, variableDefinitions: [...(node.variableDefinitions ?? []), ...added] };
    },
    Field: (node) => {
      const args = edits.arguments.get(node);
      return args ? { ...node, arguments: args } : undefined;
    },
    SelectionSet: (node) => {
      let selections = node.selections;
      if (group && fragmentSets.has(node)) selections = selections.filter((selection) => group.selections.has(selection) || (first && !grouped.has(selection)));
      const added = edits.additions.get(node);
      if (added) selections = [...selections, ...(!group || first || !fragmentSets.has(node) ? added.values() : [])];
      return selections === node.selections ? undefined : { ...node, selections };
    },
    InlineFragment: {
      leave: (node) => (node.selectionSet.selections.length === 0 ? null : undefined),
    },
  });
}

/** A `requires` selection whose required fields are read from the keys a group reads them from. */
function readRequirementsFrom(selections: readonly QueryPlanSelectionNode[], reads: ReadonlyMap<string, string>, type: string | undefined): QueryPlanSelectionNode[] {
  return selections.map((selection) => {
    if (selection.kind === 'InlineFragment') return { ...selection, selections: readRequirementsFrom(selection.selections, reads, selection.typeCondition ?? type) };
    const key = type === undefined ? undefined : reads.get(`${type}\n${selection.name}`);
    return key && key !== selection.name ? { ...selection, alias: key } : selection;
  });
}

/** The `_entities` field of an entity fetch's operation. */
function entitiesField(document: DocumentNode): FieldNode | undefined {
  const operation = document.definitions[0];
  const field = operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections[0] : undefined;
  return field?.kind === Kind.FIELD && field.name.value === '_entities' ? field : undefined;
}

/** Whether a field or anything below it takes arguments. */
function takesArguments(field: FieldNode): boolean {
  if (field.arguments && field.arguments.length > 0) return true;
  return (field.selectionSet?.selections ?? []).some((selection) => (selection.kind === Kind.FIELD ? takesArguments(selection) : selection.kind === Kind.INLINE_FRAGMENT && selection.selectionSet.selections.some((inner) => inner.kind === Kind.FIELD && takesArguments(inner))));
}

/** Arguments as text, in name order: two fields with the same key take the same arguments as written. */
function argumentsKey(args: readonly ArgumentNode[] | undefined): string {
  if (!args || args.length === 0) return '';
  return args
    .map((argument) => `${argument.name.value}:${print(argument.value)}`)
    .sort()
    .join(',');
}

/** Whether a selection set holds every field of `needed` (with the same arguments, unless `ignoringArguments`). */
function covers(have: SelectionSetNode | undefined, needed: SelectionSetNode | undefined, ignoringArguments: boolean): boolean {
  if (!needed) return true;
  if (!have) return false;
  return needed.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) {
      return have.selections.some(
        (candidate) =>
          candidate.kind === Kind.FIELD &&
          (candidate.alias ?? candidate.name).value === selection.name.value &&
          candidate.name.value === selection.name.value &&
          (ignoringArguments || argumentsKey(candidate.arguments) === argumentsKey(selection.arguments)) &&
          covers(candidate.selectionSet, selection.selectionSet, ignoringArguments),
      );
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return have.selections.some((candidate) => candidate.kind === Kind.INLINE_FRAGMENT && candidate.typeCondition?.name.value === selection.typeCondition?.name.value && covers(candidate.selectionSet, selection.selectionSet, ignoringArguments));
    }
    return false;
  });
}
