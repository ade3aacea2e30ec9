import { graphql } from '../../gql';

export const IsolationRunsPageDocument = graphql(`
  query IsolationRunsPage($first: Int, $after: String) {
    isolationRuns(first: $first, after: $after) {
      edges {
        node {
          id
          status
          trigger
          requestedBy
          startedAt
          finishedAt
          reportSha256
          error
          summary {
            pass
            warning
            fail
            durationMs
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

export const StartIsolationRunDocument = graphql(`
  mutation StartIsolationRun {
    startIsolationVerification {
      id
      status
    }
  }
`);

export const IsolationAlertsPageDocument = graphql(`
  query IsolationAlertsPage($open: Boolean, $after: String) {
    isolationAlerts(first: 20, open: $open, after: $after) {
      edges {
        node {
          id
          runId
          checkId
          concern
          summary
          raisedAt
          acknowledgedAt
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const AcknowledgeIsolationAlertDocument = graphql(`
  mutation AcknowledgeIsolationAlert($id: ID!) {
    acknowledgeIsolationAlert(id: $id) {
      id
      acknowledgedAt
    }
  }
`);
