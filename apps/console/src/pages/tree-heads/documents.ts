// The audit log's signed tree heads and the consistency proof between two of them.
import { graphql } from '../../gql';

export const TreeHeadsDocument = graphql(`
  query TreeHeads($first: Int, $after: String) {
    treeHeads(first: $first, after: $after) {
      edges {
        node {
          treeSize
          timestamp
          rootHash
          keyId
          signature
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const ConsistencyProofDocument = graphql(`
  query ConsistencyProof($fromSize: Float!, $toSize: Float!) {
    consistencyProof(fromSize: $fromSize, toSize: $toSize) {
      fromSize
      toSize
      proof
    }
  }
`);
