import express, { type NextFunction, type Request, type Response } from 'express';
import { checkRequestLimits, type GraphQLRequestLimits } from './request-limits';
import { limitRefusalError } from './graphql-errors';

/**
 * Parses GraphQL bodies (bounded size) and refuses, with HTTP 400 and the limit's code, any request
 * over a limit (batch size, document size, tokens, depth, aliases, cost) before Apollo parses,
 * validates or executes any of it, and before authentication: an anonymous caller cannot make the
 * control plane work for long. GET requests (query in the URL) are checked the same way.
 */
export function graphqlRequestLimits(limits: GraphQLRequestLimits, maxBodyBytes = 256 * 1024) {
  const json = express.json({ limit: maxBodyBytes });
  return [
    json,
    (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        res.status(413).json({
          errors: [{ message: `Request body exceeds ${maxBodyBytes} bytes`, extensions: { code: 'REQUEST_TOO_LARGE', reason: 'REQUEST_TOO_LARGE' } }],
        });
      } else if (type === 'entity.parse.failed') {
        res.status(400).json({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST', reason: 'MALFORMED_JSON' } }] });
      } else {
        next(error);
      }
    },
    (req: Request, res: Response, next: NextFunction): void => {
      const refused = checkRequestLimits(req.method === 'GET' ? fromQueryString(req.query) : req.body, limits);
      if (refused) {
        res.status(400).json({ errors: [limitRefusalError(refused)] });
        return;
      }
      next();
    },
  ];
}

function fromQueryString(query: Request['query']): unknown {
  let variables: unknown;
  try {
    variables = typeof query.variables === 'string' ? JSON.parse(query.variables) : undefined;
  } catch {
    variables = undefined; // Apollo answers malformed variables itself
  }
  return { query: query.query, operationName: query.operationName, variables };
}
