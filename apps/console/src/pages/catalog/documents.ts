import { graphql } from '../../gql';

export const CatalogOfferingsDocument = graphql(`
  query CatalogOfferings($first: Int, $after: String, $status: CatalogStatus, $hosting: Hosting) {
    modelOfferings(first: $first, after: $after, status: $status, hosting: $hosting) {
      edges {
        node {
          id
          hosting
          operator
          region
          networkZone
          status
          authorityConfirmation {
            reference
            expiresAt
          }
          model {
            id
            name
            provider
            family
            contextWindow
            priceInputPer1kTokensKrw
            priceOutputPer1kTokensKrw
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
