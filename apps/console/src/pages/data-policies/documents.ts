import { graphql } from '../../gql';

export const DataPolicyVersionsDocument = graphql(`
  query DataPolicyVersions {
    dataPolicy {
      policyId
      version
      documentJson
      published
    }
    dataPolicyVersions {
      policyId
      version
      documentJson
      note
      publishedBy
      publishedAt
      published
    }
  }
`);

export const PreviewDataPolicyDocument = graphql(`
  query PreviewDataPolicy($documentJson: String, $sampleRequestJson: String!, $samplePrompt: String!) {
    previewDataPolicy(documentJson: $documentJson, sampleRequestJson: $sampleRequestJson, samplePrompt: $samplePrompt)
  }
`);

export const PublishDataPolicyDocument = graphql(`
  mutation PublishDataPolicy($documentJson: String!, $note: String) {
    publishDataPolicy(documentJson: $documentJson, note: $note) {
      version
    }
  }
`);
