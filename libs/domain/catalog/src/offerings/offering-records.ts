import { toModelRecord } from '../models/model-records';
import type { OfferingEntity } from './offering.entity';
import type { OfferingRecord } from './offering.model';

/** `row.model` must be loaded (every offering query joins it). */
export function toOfferingRecord(row: OfferingEntity): OfferingRecord {
  if (!row.model) throw new Error(`offering ${row.id} was loaded without its model`);
  return {
    id: row.id,
    modelId: row.modelId,
    model: toModelRecord(row.model),
    hosting: row.hosting,
    region: row.region,
    networkZone: row.networkZone,
    operator: row.operator,
    authorityConfirmation:
      row.authorityConfirmationRef !== null && row.authorityConfirmationExpiresAt !== null
        ? { reference: row.authorityConfirmationRef, expiresAt: row.authorityConfirmationExpiresAt }
        : null,
    status: row.status,
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
  };
}
