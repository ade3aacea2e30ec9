import { buildSchema, parse, validate, specifiedRules } from 'graphql';
import { aliasLimitRule, depthLimitRule } from './query-limits';
import { operationCost } from './query-cost';

const schema = buildSchema(`
  type Node { id: ID! child: Node children(first: Int): [Node!]! }
  type Query { node: Node nodes(first: Int): [Node!]! }
`);

function errorsOf(query: string, rules = [depthLimitRule(3), aliasLimitRule(2)]) {
  return validate(schema, parse(query), [...specifiedRules, ...rules]).map((e) => e.extensions?.reason);
}

describe('depth and alias limits', () => {
  it('accepts queries within the limits', () => {
    expect(errorsOf('{ node { child { id } } }')).toEqual([]);
  });

  it('rejects deep queries, also through fragments', () => {
    expect(errorsOf('{ node { child { child { id } } } }')).toEqual(['MAX_DEPTH_EXCEEDED']);
    expect(errorsOf('query { node { ...F } } fragment F on Node { child { child { id } } }')).toEqual([
      'MAX_DEPTH_EXCEEDED',
    ]);
  });

  it('rejects too many aliases', () => {
    expect(errorsOf('{ a: node { id } b: node { id } c: node { id } }')).toEqual(['MAX_ALIASES_EXCEEDED']);
  });
});

describe('operationCost', () => {
  it('multiplies children by the page size, taken from variables when given', () => {
    const doc = parse('query Q($n: Int) { nodes(first: $n) { id children(first: 5) { id } } }');
    // nodes: 1 + n * (id 1 + children (1 + 5 * 1))
    expect(operationCost(doc, 'Q', { n: 10 }, 20)).toBe(1 + 10 * (1 + 1 + 5));
    expect(operationCost(doc, 'Q', {}, 20)).toBe(1 + 20 * (1 + 1 + 5));
  });
});
