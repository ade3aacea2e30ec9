import { graphql } from '../../gql';

export const SettlementPoolsDocument = graphql(`
  query SettlementPools {
    quotaPools {
      id
      name
      monthlyCostKrw
    }
  }
`);

export const QuotaSettlementDocument = graphql(`
  query QuotaSettlement($poolId: ID!, $from: DateTime!, $to: DateTime!) {
    quotaSettlement(poolId: $poolId, from: $from, to: $to) {
      poolId
      poolName
      from
      to
      costKrw
      totalTokens
      members {
        institutionId
        weight
        useShare
        tokens
        byInvestmentKrw
        byUseKrw
      }
    }
  }
`);
