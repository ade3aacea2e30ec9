import { Kind, Lexer, Source, TokenKind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { aliasMeasurer, depthMeasurer } from './query-limits';
import { operationCost } from './query-cost';

/** The bounds every GraphQL request must stay within, checked before Apollo parses or validates. */
export interface GraphQLRequestLimits {
  maxBatch: number;
  maxDocumentBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** What resolvers use when `first` is absent, so what an absent `first` is priced at. */
  defaultPageSize: number;
}

/** One `extensions.code` per limit: clients and operators can tell which bound was hit. */
export type GraphQLLimitCode =
  'MAX_BATCH_EXCEEDED' | 'DOCUMENT_TOO_LARGE' | 'MAX_TOKENS_EXCEEDED' | 'MAX_DEPTH_EXCEEDED' | 'MAX_ALIASES_EXCEEDED' | 'MAX_COST_EXCEEDED';

export interface GraphQLLimitRefusal {
  code: GraphQLLimitCode;
  message: string;
  limit: number;
  actual: number;
}

/** One operation of a request body (a batch is an array of these), as the client sent it. */
export interface GraphQLOperationRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

function refusal(code: GraphQLLimitCode, what: string, actual: number, limit: number): GraphQLLimitRefusal {
  return { code, message: `${what} ${actual} exceeds the maximum of ${limit}`, limit, actual };
}

/** Tokens of `query`, counting stops at `stopAfter`; undefined when the text does not lex. */
function countTokens(query: string, stopAfter: number): number | undefined {
  try {
    const lexer = new Lexer(new Source(query));
    let count = 0;
    while (count <= stopAfter && lexer.advance().kind !== TokenKind.EOF) count++;
    return count;
  } catch {
    return undefined;
  }
}

/**
 * Checks one operation: its document's size in bytes, its tokens (the parser stops at the limit),
 * then the depth, aliases and cost of the operations that may run. Each measure is linear in the
 * document (fragments are measured once). Anything malformed (no query, syntax errors, unknown
 * operation name) is left to Apollo, which answers it.
 */
export function checkOperationLimits(request: GraphQLOperationRequest, limits: GraphQLRequestLimits): GraphQLLimitRefusal | undefined {
  if (typeof request.query !== 'string') return undefined;
  const bytes = Buffer.byteLength(request.query, 'utf8');
  if (bytes > limits.maxDocumentBytes) return refusal('DOCUMENT_TOO_LARGE', 'Document size in bytes', bytes, limits.maxDocumentBytes);
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch {
    const tokens = countTokens(request.query, limits.maxTokens);
    if (tokens !== undefined && tokens > limits.maxTokens) {
      // Counting stopped one past the limit: `actual` is a lower bound.
      return refusal('MAX_TOKENS_EXCEEDED', 'Document tokens (at least)', tokens, limits.maxTokens);
    }
    return undefined;
  }
  const variables = isRecord(request.variables) ? request.variables : {};
  const depthOf = depthMeasurer(document);
  const aliasesOf = aliasMeasurer(document);
  for (const operation of operationsToCheck(document, request.operationName)) {
    const depth = depthOf(operation.selectionSet);
    if (depth > limits.maxDepth) return refusal('MAX_DEPTH_EXCEEDED', 'Query depth', depth, limits.maxDepth);
    const aliases = aliasesOf(operation.selectionSet);
    if (aliases > limits.maxAliases) return refusal('MAX_ALIASES_EXCEEDED', 'Aliased fields', aliases, limits.maxAliases);
    const cost = operationCost(document, operation, variables, limits.defaultPageSize);
    if (cost > limits.maxCost) return refusal('MAX_COST_EXCEEDED', 'Query cost', cost, limits.maxCost);
  }
  return undefined;
}

/** Checks a request body: the batch size, then each operation. */
export function checkRequestLimits(body: unknown, limits: GraphQLRequestLimits): GraphQLLimitRefusal | undefined {
  if (!Array.isArray(body)) return isRecord(body) ? checkOperationLimits(body, limits) : undefined;
  if (body.length > limits.maxBatch) {
    return refusal('MAX_BATCH_EXCEEDED', 'Operations in the batch:', body.length, limits.maxBatch);
  }
  for (const operation of body) {
    const refused = isRecord(operation) ? checkOperationLimits(operation, limits) : undefined;
    if (refused) return refused;
  }
  return undefined;
}

/** The named operation, or every operation when no (string) name is given: the one that runs is among them. */
function operationsToCheck(document: DocumentNode, operationName: unknown): OperationDefinitionNode[] {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (typeof operationName !== 'string') return operations;
  return operations.filter((operation) => operation.name?.value === operationName);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
