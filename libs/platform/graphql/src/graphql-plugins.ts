// @nestjs/apollo is ESM and sees Apollo's ESM typings; take the same ones here.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server' with { 'resolution-mode': 'import' };
import type { AuthenticatedRequest } from '@ai-commons/auth';

interface RequestContextValue extends BaseContext {
  req?: AuthenticatedRequest;
}

const SUGGESTION = /\s*Did you mean .*\?$/;

/** Unauthenticated callers get no "Did you mean …?" hints, which would reveal the schema. */
export function hideSuggestionsFromAnonymousPlugin(): ApolloServerPlugin<RequestContextValue> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.req?.authentication?.status === 'authenticated') return;
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) =>
            SUGGESTION.test(error.message) ? { ...error, message: error.message.replace(SUGGESTION, '') } : error,
          );
        },
      };
    },
  };
}
