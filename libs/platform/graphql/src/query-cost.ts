import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/**
 * Estimated cost of an operation: every field costs 1, and a field with a `first` argument
 * multiplies the cost of its children by that page size (the default page size when absent).
 * Computed with the request's variables, so `first: $n` is priced at its real value.
 */
export function operationCost(
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined,
  defaultPageSize: number,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 0;

  const pageSize = (value: ValueNode | undefined): number => {
    if (!value) return defaultPageSize;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const resolved = variables?.[value.name.value];
      return typeof resolved === 'number' ? resolved : defaultPageSize;
    }
    return defaultPageSize;
  };

  const costOf = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const first = selection.arguments?.find((argument) => argument.name.value === 'first');
        const children = costOf(selection.selectionSet, seen);
        total += 1 + (first ? pageSize(first.value) : 1) * children;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += costOf(selection.selectionSet, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) total += costOf(fragment.selectionSet, new Set([...seen, name]));
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, new Set());
}
