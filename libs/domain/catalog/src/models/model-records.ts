import { decimalFromColumn } from '../shared/decimal';
import type { ModelEntity } from './model.entity';
import type { ModelRecord } from './model.model';

export function toModelRecord(row: ModelEntity): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    family: row.family,
    kind: row.kind,
    provider: row.provider,
    licence: row.licence,
    parameterCountBillions: row.parameterCountBillions === null ? null : Number(row.parameterCountBillions),
    contextWindow: row.contextWindow,
    modalities: row.modalities,
    mmluScore: row.mmluScore === null ? null : Number(row.mmluScore),
    priceInputPer1kTokensKrw: decimalFromColumn(row.priceInputPer1kTokensKrw),
    priceOutputPer1kTokensKrw: decimalFromColumn(row.priceOutputPer1kTokensKrw),
    status: row.status,
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
  };
}
