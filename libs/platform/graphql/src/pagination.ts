import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { GraphQLInputError, GraphQLLimitError } from './graphql-errors';
import { isUuid, parseDateTime, textProblem } from './input/input-rules';

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

/**
 * What a list's keyset cursor holds, part by part: a `timestamp` (ISO 8601 text, kept as given so
 * microseconds survive), a `uuid`, or a `text` (a name or slug). Every cursor is checked against its
 * list's shape before it reaches SQL.
 */
export type CursorKeyPart = 'timestamp' | 'uuid' | 'text';
export type CursorKeyShape = readonly CursorKeyPart[];

/** `(created_at, id)`-style keys. */
export const TIME_ID_CURSOR: CursorKeyShape = ['timestamp', 'uuid'];
/** `(name, id)`-style keys. */
export const NAME_ID_CURSOR: CursorKeyShape = ['text', 'uuid'];
/** Unique-name keys. */
export const NAME_CURSOR: CursorKeyShape = ['text'];

export function pageRequest(args: PageArgs, maxPageSize: number, cursorShape: CursorKeyShape): PageRequest {
  const size = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw new GraphQLLimitError('INVALID_PAGE_SIZE', `first must be between 1 and ${maxPageSize}`, 'bad-input', {
      first: size,
      max: maxPageSize,
    });
  }
  return { size, after: args.after ? decodeCursor(args.after, cursorShape) : undefined };
}

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A cursor longer than this was not issued by this server (keys are a timestamp, a name, an id). */
const MAX_CURSOR_LENGTH = 1_024;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

const partIsValid: Record<CursorKeyPart, (value: unknown) => boolean> = {
  timestamp: (value) => typeof value === 'string' && parseDateTime(value) instanceof Date,
  uuid: isUuid,
  text: (value) => typeof value === 'string' && textProblem(value, MAX_CURSOR_LENGTH) === undefined,
};

export function decodeCursor(cursor: string, shape: CursorKeyShape): unknown[] {
  if (cursor.length <= MAX_CURSOR_LENGTH && BASE64URL.test(cursor)) {
    try {
      const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(key) && key.length === shape.length && shape.every((part, index) => partIsValid[part](key[index]))) return key;
    } catch {
      // fall through to the error below
    }
  }
  throw new GraphQLInputError('INVALID_CURSOR', 'The cursor is not one this server issued');
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
