import { graphql } from '../../gql';

export const ConsortiumDocument = graphql(`
  query Consortium($first: Int, $after: String, $status: InstitutionStatus, $sector: Sector) {
    institutions(first: $first, after: $after, status: $status, sector: $sector) {
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
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const CreateInstitutionDocument = graphql(`
  mutation CreateInstitution($input: CreateInstitutionInput!) {
    createInstitution(input: $input) {
      id
      slug
    }
  }
`);

export const SuspendInstitutionDocument = graphql(`
  mutation SuspendInstitution($id: ID!, $reason: String!) {
    suspendInstitution(id: $id, reason: $reason) {
      id
      status
    }
  }
`);

export const ReactivateInstitutionDocument = graphql(`
  mutation ReactivateInstitution($id: ID!, $reason: String!) {
    reactivateInstitution(id: $id, reason: $reason) {
      id
      status
    }
  }
`);

export const OffboardInstitutionDocument = graphql(`
  mutation OffboardInstitution($id: ID!, $reason: String!) {
    offboardInstitution(id: $id, reason: $reason) {
      id
      status
    }
  }
`);
