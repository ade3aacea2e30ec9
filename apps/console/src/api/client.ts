// One way to the API: POST /graphql (same origin) with the access token, typed by the generated
// documents. GraphQL errors become a GraphQLRequestError carrying the first error's code and reason.
import type { TypedDocumentString } from '../gql/graphql';
import { accessToken } from '../auth/auth';

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const response = await fetch(`${window.location.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await accessToken()}` },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json().catch(() => ({}))) as GraphQLResponse<TResult>;
  if (body.errors?.length) {
    const [first] = body.errors;
    const code = first?.extensions?.reason ?? first?.extensions?.code;
    throw new GraphQLRequestError(code ? `${first?.message} (${code})` : String(first?.message), code);
  }
  if (!response.ok || !body.data) throw new GraphQLRequestError(`HTTP ${response.status}`);
  return body.data;
}
