import type { DataClassification } from '@ai-commons/tenancy';

export const API_KEY_STATUSES = ['active', 'expired', 'revoked'] as const;
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** An API key as anyone may see it: never the secret, never its hash. */
export interface ApiKeyRecord {
  id: string;
  institutionId: string;
  name: string;
  /** `aic_` + the next 8 characters of the secret, to recognise a key. */
  keyPrefix: string;
  /** The endpoints the key may call; null = every endpoint of its institution. */
  endpointIds: string[] | null;
  defaultClassification: DataClassification;
  /** The use case (AI use-case register) its requests run under; null = none (refused where enforced). */
  useCaseId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

export interface CreateApiKeyCommand {
  name: string;
  endpointIds?: string[] | null;
  defaultClassification?: DataClassification | null;
  expiresAt?: Date | null;
  useCaseId?: string | null;
}

/** What `createApiKey` returns: the only time the secret is ever shown. */
export interface CreatedApiKey {
  apiKey: ApiKeyRecord;
  secret: string;
}

export interface ApiKeyFilter {
  institutionId?: string;
  status?: ApiKeyStatus;
}

export function apiKeyStatus(key: Pick<ApiKeyRecord, 'expiresAt' | 'revokedAt'>, now: Date): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
