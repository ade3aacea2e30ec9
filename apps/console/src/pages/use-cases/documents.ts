// The use-case register's GraphQL documents (typed by codegen against schema.graphql).
import { graphql } from '../../gql';

export const UseCasesDocument = graphql(`
  query UseCases($first: Int, $after: String, $state: UseCaseState, $riskTier: RiskTier, $institutionId: ID) {
    useCases(first: $first, after: $after, state: $state, riskTier: $riskTier, institutionId: $institutionId) {
      edges {
        node {
          id
          institutionId
          name
          state
          revisionState
          riskTier
          highImpact
          dataClassificationCeiling
          updatedAt
          approval {
            reference
            validUntil
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const UseCaseReviewQueueDocument = graphql(`
  query UseCaseReviewQueue($first: Int, $after: String) {
    useCaseReviewQueue(first: $first, after: $after) {
      edges {
        node {
          id
          institutionId
          name
          state
          revisionState
          riskTier
          highImpact
          latestVersion
          updatedAt
          usage {
            requests
            refusalsByReason {
              reason
              count
            }
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const UseCaseDocument = graphql(`
  query UseCase($id: ID!) {
    useCase(id: $id) {
      id
      institutionId
      name
      purpose
      businessProcess
      dataClassificationCeiling
      endpointIds
      riskTier
      highImpact
      humanOversight
      owner
      contact
      state
      revisionState
      latestVersion
      servingVersion
      createdAt
      updatedAt
      approval {
        reference
        conditions
        validFrom
        validUntil
        approvedAt
        approvedBy
      }
      usage {
        days
        requests
        promptTokens
        completionTokens
        lastUsedAt
        refusalsByReason {
          reason
          count
        }
      }
      history(first: 100) {
        edges {
          node {
            id
            action
            fromState
            toState
            actorSubject
            actorRole
            comment
            version
            occurredAt
          }
        }
      }
      auditEvents(first: 20) {
        edges {
          node {
            id
            action
            outcome
            occurredAt
            actorSubject
          }
        }
      }
    }
  }
`);

export const UseCaseEndpointsDocument = graphql(`
  query UseCaseEndpoints {
    endpoints(first: 100) {
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

export const CreateUseCaseDocument = graphql(`
  mutation CreateUseCase($input: UseCaseDeclarationInput!) {
    createUseCase(input: $input) {
      id
    }
  }
`);

export const UpdateUseCaseDocument = graphql(`
  mutation UpdateUseCase($id: ID!, $input: UseCaseDeclarationInput!) {
    updateUseCase(id: $id, input: $input) {
      id
    }
  }
`);

export const SubmitUseCaseDocument = graphql(`
  mutation SubmitUseCase($id: ID!, $comment: String) {
    submitUseCase(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

export const WithdrawUseCaseDocument = graphql(`
  mutation WithdrawUseCase($id: ID!, $comment: String!) {
    withdrawUseCase(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

export const ApproveUseCaseDocument = graphql(`
  mutation ApproveUseCase($id: ID!, $approval: UseCaseApprovalInput!, $comment: String) {
    approveUseCase(id: $id, approval: $approval, comment: $comment) {
      id
      state
    }
  }
`);

export const RequestUseCaseChangesDocument = graphql(`
  mutation RequestUseCaseChanges($id: ID!, $comment: String!) {
    requestUseCaseChanges(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

export const RejectUseCaseDocument = graphql(`
  mutation RejectUseCase($id: ID!, $comment: String!) {
    rejectUseCase(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

export const SuspendUseCaseDocument = graphql(`
  mutation SuspendUseCase($id: ID!, $comment: String!) {
    suspendUseCase(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

export const ReinstateUseCaseDocument = graphql(`
  mutation ReinstateUseCase($id: ID!, $comment: String!) {
    reinstateUseCase(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

/** The institution's use cases a new API key may be bound to (issue 13: every key runs under one). */
export const KeyUseCasesDocument = graphql(`
  query KeyUseCases {
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
