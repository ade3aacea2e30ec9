// The analyst playground: a short-lived key of one's own, and the audit log's record of each call.
import { graphql } from '../../gql';

export const CreatePlaygroundKeyDocument = graphql(`
  mutation CreatePlaygroundKey($useCaseId: ID) {
    createPlaygroundKey(useCaseId: $useCaseId) {
      secret
      apiKey {
        id
        keyPrefix
        expiresAt
      }
    }
  }
`);

export const PlaygroundCallDocument = graphql(`
  query PlaygroundCall($requestId: String!) {
    playgroundCall(requestId: $requestId) {
      requestId
      policyDecision
      dataClassification
      endpoint
      completed
      promptTokens
      completionTokens
      httpStatus
      useCaseDecision
    }
  }
`);

export const PlaygroundModelsDocument = graphql(`
  query PlaygroundModels {
    endpoints(first: 100, state: active) {
      edges {
        node {
          id
          name
        }
      }
    }
    useCases(first: 100) {
      edges {
        node {
          id
          name
          state
        }
      }
    }
  }
`);
