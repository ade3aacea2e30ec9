import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { GraphQLLimitError } from './graphql-errors';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** Relay-style forward pagination arguments shared by every list. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size (1 to the server maximum, default 20)' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts' })
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function Connection<T>(node: Type<T>, name: string): Type<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType as Type<ConnectionShape<T>>;
}

export const DEFAULT_PAGE_SIZE = 20;

/** A validated page request: keyset position (or none) and size. */
export interface PageRequest {
  size: number;
  after?: unknown[];
}

export function pageRequest(args: PageArgs, maxPageSize: number): PageRequest {
  const size = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw new GraphQLLimitError('INVALID_PAGE_SIZE', `first must be between 1 and ${maxPageSize}`, 'bad-input', {
      first: size,
      max: maxPageSize,
    });
  }
  return { size, after: args.after ? decodeCursor(args.after) : undefined };
}

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length > 0) return key;
  } catch {
    // fall through to the error below
  }
  throw new GraphQLLimitError('INVALID_CURSOR', 'The cursor is not one this server issued', 'bad-input');
}

/**
 * Turns `size + 1` rows fetched in keyset order into a page: the extra row only tells whether
 * there is a next page.
 */
export function toConnection<T>(rows: T[], size: number, keyOf: (row: T) => unknown[]): ConnectionShape<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}
