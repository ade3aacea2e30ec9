import type { InstitutionStatus } from '@ai-commons/core';

export const SECTORS = ['bank', 'insurance', 'securities', 'card', 'other'] as const;
export type Sector = (typeof SECTORS)[number];

/** Ordered from least to most sensitive; an institution's ceiling caps what it may send. */
export const DATA_CLASSIFICATIONS = ['public', 'internal', 'confidential', 'personal-credit'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

export interface Contact {
  name: string;
  email: string;
  phone?: string | null;
  role?: string | null;
}

export interface InstitutionRecord {
  id: string;
  slug: string;
  nameKo: string;
  nameEn: string;
  sector: Sector;
  /** Decimal string: KRW amounts exceed the exact range of a double. */
  investedCapitalKrw: string;
  /** Share of the capital of all active members (0 when not active). */
  investmentWeight: number;
  status: InstitutionStatus;
  dataClassificationCeiling: DataClassification;
  contacts: Contact[];
  createdAt: Date;
  updatedAt: Date;
}

export interface StatusChangeRecord {
  id: string;
  fromStatus: InstitutionStatus | null;
  toStatus: InstitutionStatus;
  reason: string;
  actorSubject: string;
  changedAt: Date;
}
