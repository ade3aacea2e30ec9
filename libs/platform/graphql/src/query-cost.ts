import { Kind, type DocumentNode, type OperationDefinitionNode, type ValueNode } from 'graphql';
import { saturatingSum, selectionMeasurer } from './selection-fold';

/**
 * Page size a `first` argument will request, for pricing: a literal, else the variable's value,
 * else the variable's declared default, else the server's default page size (what resolvers use
 * for an absent or null `first`). Values the resolvers refuse (0, negative) are priced as 1 row;
 * fractions are rounded up; values that GraphQL will refuse (strings…) as the default.
 */
export function pricedPageSize(
  value: ValueNode | undefined,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  defaultPageSize: number,
): number {
  let raw: unknown = undefined;
  if (value?.kind === Kind.INT) raw = Number(value.value);
  else if (value?.kind === Kind.VARIABLE) {
    const name = value.name.value;
    if (Object.hasOwn(variables, name)) raw = variables[name];
    else {
      const declared = operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
      if (declared?.kind === Kind.INT) raw = Number(declared.value);
    }
  }
  if (typeof raw !== 'number' || Number.isNaN(raw)) return defaultPageSize;
  return Math.max(1, Math.ceil(raw));
}

/**
 * Estimated cost of an operation: every field costs 1, and a field with a `first` argument costs 1
 * plus its page size times the cost of one row (at least 1: rows are read even when only
 * `__typename` is asked). Fragments are priced once each (memoised), so pricing is linear in the
 * document. Computed with the request's variables, so `first: $n` is priced at its real value.
 */
export function operationCost(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, defaultPageSize: number): number {
  const measure = selectionMeasurer(document, {
    field: (field, children) => {
      if (field.name.value.startsWith('__')) return 0;
      const first = field.arguments?.find((argument) => argument.name.value === 'first');
      if (!first) return saturatingSum(1, children());
      const rows = pricedPageSize(first.value, operation, variables, defaultPageSize);
      return saturatingSum(1, Math.min(rows * Math.max(1, children()), Number.MAX_SAFE_INTEGER));
    },
    combine: saturatingSum,
  });
  return measure(operation.selectionSet);
}
