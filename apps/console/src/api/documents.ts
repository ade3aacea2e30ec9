// Every GraphQL document the console sends; codegen types them against schema.graphql.
import { graphql } from '../gql';

export const MeDocument = graphql(`
  query Me {
    me {
      username
      roles
      institution {
        id
        slug
        nameKo
        nameEn
      }
    }
  }
`);

export const InstitutionsDocument = graphql(`
  query Institutions {
    institutions(first: 100) {
      edges {
        node {
          id
          slug
          nameKo
          nameEn
          sector
          status
          investedCapitalKrw
          investmentWeight
        }
      }
    }
  }
`);

export const AuditEventsDocument = graphql(`
  query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter, $newestFirst: Boolean) {
    auditEvents(first: $first, after: $after, filter: $filter, newestFirst: $newestFirst) {
      edges {
        node {
          id
          leafIndex
          timestamp
          institutionId
          action
          resourceType
          resourceId
          outcome
          actor {
            subject
            username
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

export const AuditEventDocument = graphql(`
  query AuditEvent($id: ID!) {
    auditEvent(id: $id) {
      event {
        id
        leafIndex
        timestamp
        institutionId
        requestId
        action
        resourceType
        resourceId
        outcome
        endpoint
        model
        httpStatus
        details
        actor {
          subject
          username
          clientId
          authMethod
          roles
        }
      }
      inclusionProof {
        leafIndex
        treeSize
        leafHash
        canonicalEvent
        proof
        treeHead {
          treeSize
          timestamp
          rootHash
          keyId
          signature
        }
      }
    }
  }
`);

export const QuotaPoolsDocument = graphql(`
  query QuotaPools {
    quotaPools {
      id
      name
      description
      headroom
      monthlyCostKrw
      capacity {
        tokensPerMinute
        requestsPerMinute
        concurrentRequests
      }
      members {
        institutionId
        weight
        guaranteed {
          tokensPerMinute
          requestsPerMinute
          concurrentRequests
        }
      }
    }
    quotaStandings {
      poolId
      poolName
      institutionId
      weight
      periodUsedTokens
      periodTokenBudget
      periodRemainingTokens
      guaranteed {
        tokensPerMinute
        requestsPerMinute
      }
      usedLastMinute {
        tokensPerMinute
        requestsPerMinute
      }
      borrowingNow {
        tokensPerMinute
        requestsPerMinute
      }
    }
  }
`);

export const PreviewQuotaAllocationDocument = graphql(`
  query PreviewQuotaAllocation($poolId: ID, $change: QuotaPoolInput!) {
    previewQuotaAllocation(poolId: $poolId, change: $change) {
      issues {
        code
        message
        field
      }
      members {
        institutionId
        weight
        dimensions {
          dimension
          guaranteed
          allocated
          borrowed
        }
      }
    }
  }
`);

export const UpdateQuotaPoolDocument = graphql(`
  mutation UpdateQuotaPool($id: ID!, $input: QuotaPoolInput!) {
    updateQuotaPool(id: $id, input: $input) {
      id
    }
  }
`);

export const ApiKeysDocument = graphql(`
  query ApiKeys {
    apiKeys(first: 100) {
      edges {
        node {
          id
          name
          keyPrefix
          status
          createdAt
          expiresAt
          revokedAt
          useCaseId
        }
      }
    }
  }
`);

export const CreateApiKeyDocument = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        id
        name
      }
    }
  }
`);

export const RevokeApiKeyDocument = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      status
    }
  }
`);

export const UsageDocument = graphql(`
  query Usage($from: DateTime!, $to: DateTime!, $after: String) {
    quotaUsageReport(from: $from, to: $to, first: 100, after: $after) {
      edges {
        node {
          day
          institutionId
          model
          requests
          successfulRequests
          totalTokens
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const IsolationRunsDocument = graphql(`
  query IsolationRuns {
    isolationRuns(first: 20) {
      edges {
        node {
          id
          status
          trigger
          startedAt
          finishedAt
          reportSha256
          error
          summary {
            pass
            warning
            fail
          }
        }
      }
    }
  }
`);

export const MyIsolationEvidenceDocument = graphql(`
  query MyIsolationEvidence {
    myIsolationEvidence {
      institutionSlug
      runId
      status
      finishedAt
      reportSha256
      signingKeyId
      checks {
        id
        title
        concern
        status
        summary
      }
      documentJson
    }
  }
`);

export const IsolationReportJsonDocument = graphql(`
  query IsolationReportJson($id: ID!) {
    isolationReportJson(id: $id)
  }
`);
