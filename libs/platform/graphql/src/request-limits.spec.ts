import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { checkOperationLimits, checkRequestLimits, type GraphQLRequestLimits } from './request-limits';
import { operationCost } from './query-cost';

const limits: GraphQLRequestLimits = {
  maxBatch: 5,
  maxDocumentBytes: 16_384,
  maxTokens: 500,
  maxDepth: 8,
  maxAliases: 15,
  maxCost: 5_000,
  defaultPageSize: 20,
};

const codeOf = (query: string, variables?: Record<string, unknown>, overrides: Partial<GraphQLRequestLimits> = {}) =>
  checkOperationLimits({ query, variables }, { ...limits, ...overrides })?.code;

function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return operationCost(document, operation, variables, 20);
}

/** 2^levels fields once expanded, in a document of a few hundred bytes. */
function fragmentBomb(levels: number, shape: 'fields' | 'aliases' | 'spreads'): string {
  let query = `query { node { ...F${levels} } } fragment F0 on Node { id }`;
  for (let i = 1; i <= levels; i++) {
    const previous = `F${i - 1}`;
    const body =
      shape === 'fields'
        ? `child { ...${previous} } children { ...${previous} }`
        : shape === 'aliases'
          ? `a: child { ...${previous} } b: child { ...${previous} }`
          : `...${previous} ...${previous}`;
    query += ` fragment F${i} on Node { ${body} }`;
  }
  return query;
}

describe('operationCost', () => {
  it('multiplies one row by the page size, taken from variables when given', () => {
    const query = 'query Q($n: Int) { nodes(first: $n) { id children(first: 5) { id } } }';
    // nodes: 1 + n * (id 1 + children (1 + 5 * 1))
    expect(costOf(query, { n: 10 })).toBe(1 + 10 * (1 + 1 + 5));
    expect(costOf(query)).toBe(1 + 20 * (1 + 1 + 5));
    expect(costOf(query, { n: null })).toBe(1 + 20 * (1 + 1 + 5));
  });

  it("prices an absent variable at its declared default, not the server's default page size", () => {
    expect(costOf('query($n: Int = 100) { nodes(first: $n) { id } }')).toBe(1 + 100);
    expect(costOf('query($n: Int = 100) { nodes(first: $n) { id } }', { n: 3 })).toBe(1 + 3);
    expect(costOf('query($n: Int = 100) { ...F } fragment F on Query { nodes(first: $n) { id } }')).toBe(1 + 100);
  });

  it('prices huge, negative and fractional page sizes safely', () => {
    expect(costOf('{ nodes(first: 2147483648) { id } }')).toBe(1 + 2147483648);
    expect(costOf('query($n: Int) { nodes(first: $n) { id } }', { n: 1e300 })).toBe(Number.MAX_SAFE_INTEGER);
    // Refused by the resolvers, read nothing: never a negative cost that would offset others.
    expect(costOf('{ a: nodes(first: -1000000) { id } b: nodes(first: 0) { id } }')).toBe(2 + 2);
    expect(costOf('query($n: Int) { nodes(first: $n) { id } }', { n: 2.5 })).toBe(1 + 3);
    expect(costOf('query($n: Int) { nodes(first: $n) { id } }', { n: '100000' })).toBe(1 + 20);
  });

  it('charges every row at least 1, also when only __typename is asked', () => {
    expect(costOf('{ nodes(first: 100000) { __typename } }')).toBe(1 + 100000);
  });
});

describe('checkOperationLimits', () => {
  it('accepts a request within every limit', () => {
    expect(codeOf('query($n: Int) { nodes(first: $n) { id child { id } } }', { n: 50 })).toBeUndefined();
  });

  it('refuses each limit with its own code', () => {
    expect(codeOf('{ a { b { c { d { e { f { g { h { i } } } } } } } } }')).toBe('MAX_DEPTH_EXCEEDED');
    expect(codeOf(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`)).toBe('MAX_ALIASES_EXCEEDED');
    expect(codeOf('{ nodes(first: 100000) { id } }')).toBe('MAX_COST_EXCEEDED');
    expect(codeOf('{ nodes(first: 2147483647) { id } }')).toBe('MAX_COST_EXCEEDED');
    expect(codeOf('{ nodes(first: 2147483648) { id } }')).toBe('MAX_COST_EXCEEDED');
    expect(codeOf('query($n: Int = 100) { nodes(first: $n) { id name } }', {}, { maxCost: 150 })).toBe('MAX_COST_EXCEEDED');
    expect(codeOf(`{ me { ${'id '.repeat(600)}} }`)).toBe('MAX_TOKENS_EXCEEDED');
    expect(codeOf(`# ${'x'.repeat(20_000)}\n{ me { id } }`)).toBe('DOCUMENT_TOO_LARGE');
  });

  it('counts depth and aliases through fragments', () => {
    expect(codeOf('query { node { ...F } } fragment F on Node { child { child { id } } }', {}, { maxDepth: 3 })).toBe('MAX_DEPTH_EXCEEDED');
    // x and y, and 3 aliases in a fragment spread under both: 2 + 6 aliased fields run.
    const spread = 'query { x: node { ...F } y: node { ...F } } fragment F on Node { a: id b: id c: id }';
    expect(codeOf(spread, {}, { maxAliases: 8 })).toBeUndefined();
    expect(codeOf(spread, {}, { maxAliases: 7 })).toBe('MAX_ALIASES_EXCEEDED');
  });

  it('refuses fragment bombs in milliseconds, whatever their shape', () => {
    for (const [shape, code] of [
      ['fields', 'MAX_COST_EXCEEDED'],
      ['aliases', 'MAX_ALIASES_EXCEEDED'],
    ] as const) {
      const started = performance.now();
      // Depth and tokens are allowed here so that the fan-out itself is what is measured.
      expect(codeOf(fragmentBomb(30, shape), {}, { maxDepth: 100, maxTokens: 10_000 })).toBe(code);
      expect(performance.now() - started).toBeLessThan(50);
    }
    // The same fragment spread twice in one selection set runs once: cheap, and accepted.
    expect(codeOf(fragmentBomb(30, 'spreads'))).toBeUndefined();
  });

  it('checks every operation of the document unless one is named', () => {
    const document = 'query Cheap { me { id } } query Deep { a { b { c { id } } } }';
    expect(checkOperationLimits({ query: document }, { ...limits, maxDepth: 3 })?.code).toBe('MAX_DEPTH_EXCEEDED');
    expect(checkOperationLimits({ query: document, operationName: 'Cheap' }, { ...limits, maxDepth: 3 })).toBeUndefined();
  });

  it('leaves malformed requests to Apollo', () => {
    expect(codeOf('{ me { id ')).toBeUndefined();
    expect(checkOperationLimits({ query: 42 }, limits)).toBeUndefined();
    expect(checkOperationLimits({}, limits)).toBeUndefined();
  });
});

describe('checkRequestLimits', () => {
  const aliased = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: nodes(first: 100) { id name slug status }`).join(' ')} }`;

  it('refuses batches over the maximum', () => {
    expect(
      checkRequestLimits(
        Array.from({ length: 6 }, () => ({ query: '{ me { id } }' })),
        limits,
      )?.code,
    ).toBe('MAX_BATCH_EXCEEDED');
    expect(
      checkRequestLimits(
        Array.from({ length: 5 }, () => ({ query: '{ me { id } }' })),
        limits,
      ),
    ).toBeUndefined();
  });

  it('checks every operation of a batch (5 × 15 aliases over the cost limit)', () => {
    expect(
      checkRequestLimits(
        Array.from({ length: 5 }, () => ({ query: aliased })),
        limits,
      )?.code,
    ).toBe('MAX_COST_EXCEEDED');
    expect(checkRequestLimits([{ query: '{ me { id } }' }, { query: aliased }], limits)?.code).toBe('MAX_COST_EXCEEDED');
  });

  it('ignores what is not a GraphQL request (Apollo answers it)', () => {
    expect(checkRequestLimits(undefined, limits)).toBeUndefined();
    expect(checkRequestLimits('query', limits)).toBeUndefined();
    expect(checkRequestLimits([1, null], limits)).toBeUndefined();
  });
});
