export const MODEL_KINDS = ['open', 'commercial'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODALITIES = ['text', 'image', 'audio', 'video'] as const;
export type Modality = (typeof MODALITIES)[number];

/** Models and offerings are either available for new endpoints or retired. */
export const CATALOG_STATUSES = ['available', 'retired'] as const;
export type CatalogStatus = (typeof CATALOG_STATUSES)[number];

export interface ModelRecord {
  id: string;
  name: string;
  family: string;
  kind: ModelKind;
  provider: string;
  licence: string;
  parameterCountBillions: number | null;
  contextWindow: number;
  modalities: Modality[];
  mmluScore: number | null;
  /** KRW per 1,000 tokens, as a decimal string (up to 4 decimals). */
  priceInputPer1kTokensKrw: string;
  priceOutputPer1kTokensKrw: string;
  status: CatalogStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface RegisterModelCommand {
  name: string;
  family: string;
  kind: ModelKind;
  provider: string;
  licence: string;
  parameterCountBillions?: number | null;
  contextWindow: number;
  modalities?: Modality[] | null;
  mmluScore?: number | null;
  priceInputPer1kTokensKrw?: string | null;
  priceOutputPer1kTokensKrw?: string | null;
}

export interface ModelFilter {
  kind?: ModelKind;
  status?: CatalogStatus;
  family?: string;
}
