import fc from 'fast-check';
import { Kind, parse, type DocumentNode, type SelectionSetNode, type OperationDefinitionNode } from 'graphql';
import { selectionMeasurer, saturatingSum } from './selection-fold';

/** A chain of fragments, each spreading the previous one `spreads` times under distinct fields. */
function fragmentChain(levels: number, spreads: number, sameSelectionSet = false): string {
  let query = `query { node { ...F${levels} } } fragment F0 on Node { id }`;
  for (let i = 1; i <= levels; i++) {
    const uses = Array.from({ length: spreads }, (_, k) => (sameSelectionSet ? `...F${i - 1}` : `f${k}: child { ...F${i - 1} }`));
    query += ` fragment F${i} on Node { ${uses.join(' ')} }`;
  }
  return query;
}

const operationOf = (document: DocumentNode) => document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;

function fieldNodesIn(document: DocumentNode): number {
  let count = 0;
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) count++;
      if (selection.kind !== Kind.FRAGMENT_SPREAD) walk(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) walk(definition.selectionSet);
  }
  return count;
}

/** The same measure without memoisation: every spread expanded again (the reference semantics). */
function expandedFieldCount(document: DocumentNode, set: SelectionSetNode | undefined, seen = new Set<string>()): number {
  let total = 0;
  const spread = new Set<string>();
  const visit = (s: SelectionSetNode) => {
    for (const selection of s.selections) {
      if (selection.kind === Kind.FIELD) total += 1 + expandedFieldCount(document, selection.selectionSet, seen);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!spread.has(selection.name.value) && !seen.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) {
          total += expandedFieldCount(document, fragment.selectionSet, new Set([...seen, selection.name.value]));
        }
      }
    }
  };
  if (set) visit(set);
  return total;
}

function countingMeasure() {
  const counter = { visits: 0 };
  const measure = {
    field: (_field: unknown, children: () => number) => {
      counter.visits++;
      return saturatingSum(1, children());
    },
    combine: saturatingSum,
  };
  return { counter, measure };
}

describe('selectionMeasurer', () => {
  it('visits each field of the document once, whatever the fragment fan-out (linear work)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), (levels, spreads, same) => {
        const document = parse(fragmentChain(levels, spreads, same));
        const { counter, measure } = countingMeasure();
        selectionMeasurer(document, measure)(operationOf(document).selectionSet);
        expect(counter.visits).toBeLessThanOrEqual(fieldNodesIn(document));
      }),
    );
  });

  it('measures what full expansion measures (fragments spread twice in one selection set count once)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (levels, spreads, same) => {
        const document = parse(fragmentChain(levels, spreads, same));
        const { measure } = countingMeasure();
        const set = operationOf(document).selectionSet;
        expect(selectionMeasurer(document, measure)(set)).toBe(expandedFieldCount(document, set));
      }),
    );
  });

  it('gives the exponential measure of a 1,000-level fragment chain at once, saturating', () => {
    const document = parse(fragmentChain(1000, 2));
    const started = performance.now();
    const { measure } = countingMeasure();
    expect(selectionMeasurer(document, measure)(operationOf(document).selectionSet)).toBe(Number.MAX_SAFE_INTEGER);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('stops at fragment cycles (validation refuses them later)', () => {
    const document = parse('query { node { ...A } } fragment A on Node { id ...B } fragment B on Node { name ...A }');
    const { measure } = countingMeasure();
    expect(selectionMeasurer(document, measure)(operationOf(document).selectionSet)).toBe(3);
  });
});
