import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** How one measure (depth, aliases, cost) of a selection set is built from its fields. */
export interface SelectionMeasure {
  /** The measure of one field, given a way to compute the measure of its own selection set. */
  field(field: FieldNode, children: () => number): number;
  /** Combines the measures of the selections of one selection set (sum, max). */
  combine(a: number, b: number): number;
}

/**
 * Measures selection sets of one document. Each fragment is measured once and its measure reused
 * wherever it is spread (memoised), so the work is linear in the document even when fragments spread
 * each other many times — without it, a chain of fragments each spreading the previous twice costs
 * 2^n. A fragment spread twice in one selection set counts once, as execution merges it; a spread
 * inside its own definition (a cycle, refused by validation) counts 0.
 */
export function selectionMeasurer(document: DocumentNode, measure: SelectionMeasure): (selectionSet: SelectionSetNode | undefined) => number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, number>();
  const inProgress = new Set<string>();

  const fragmentMeasure = (name: string): number => {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const value = ofSelectionSet(fragment.selectionSet, new Set());
    inProgress.delete(name);
    measured.set(name, value);
    return value;
  };

  function ofSelectionSet(selectionSet: SelectionSetNode, spread: Set<string>): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const { selectionSet: children } = selection;
        total = measure.combine(
          total,
          measure.field(selection, () => (children ? ofSelectionSet(children, new Set()) : 0)),
        );
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        // Inline fragments are merged into the enclosing selection set: they share its spreads.
        total = measure.combine(total, ofSelectionSet(selection.selectionSet, spread));
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        total = measure.combine(total, fragmentMeasure(selection.name.value));
      }
    }
    return total;
  }

  return (selectionSet) => (selectionSet ? ofSelectionSet(selectionSet, new Set()) : 0);
}

/** Sums stay exact up to 2^53 and saturate there instead of losing their meaning. */
export function saturatingSum(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}
