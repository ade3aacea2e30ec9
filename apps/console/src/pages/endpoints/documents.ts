import { graphql } from '../../gql';

export const EndpointsHealthDocument = graphql(`
  query EndpointsHealth($first: Int, $after: String, $institutionId: ID, $health: EndpointHealth, $state: EndpointState) {
    endpoints(first: $first, after: $after, institutionId: $institutionId, health: $health, state: $state) {
      edges {
        node {
          id
          name
          institutionId
          state
          health
          healthCheckedAt
          healthDetail
          isolationMode
          offering {
            id
            hosting
            model {
              name
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
