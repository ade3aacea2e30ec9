import { graphql } from '../../gql';

export const DataSettingsDocument = graphql(`
  query DataSettings {
    me {
      institution {
        id
        nameKo
        nameEn
        dataClassificationCeiling
      }
    }
    institutionPiiSettings {
      institutionId
      settingsJson
      revision
    }
    institutionClassificationFloor {
      institutionId
      floor
    }
  }
`);

export const SetPiiSettingsDocument = graphql(`
  mutation SetPiiSettings($settingsJson: String!) {
    setInstitutionPiiSettings(settingsJson: $settingsJson) {
      revision
    }
  }
`);

export const SetClassificationFloorDocument = graphql(`
  mutation SetClassificationFloor($floor: DataClassification) {
    setInstitutionClassificationFloor(floor: $floor) {
      floor
    }
  }
`);
