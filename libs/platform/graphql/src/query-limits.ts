import { type DocumentNode, type SelectionSetNode } from 'graphql';
import { saturatingSum, selectionMeasurer } from './selection-fold';

/** Introspection fields are bounded by graphql-js's own MaxIntrospectionDepthRule, not here. */
const isIntrospection = (name: string) => name.startsWith('__');

/** Deepest field nesting of each selection set of `document`, following fragments (memoised). */
export function depthMeasurer(document: DocumentNode): (selectionSet: SelectionSetNode | undefined) => number {
  return selectionMeasurer(document, {
    field: (field, children) => (isIntrospection(field.name.value) ? 0 : 1 + children()),
    combine: Math.max,
  });
}

/**
 * Aliased fields of each selection set of `document` once fragments are expanded (memoised): a
 * fragment with 3 aliases spread under 5 different fields counts 15, as execution runs 15 fields.
 */
export function aliasMeasurer(document: DocumentNode): (selectionSet: SelectionSetNode | undefined) => number {
  return selectionMeasurer(document, {
    field: (field, children) => saturatingSum(field.alias ? 1 : 0, children()),
    combine: saturatingSum,
  });
}
