import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { DataClassification } from '@ai-commons/tenancy';

/** An institution's API key. The secret is never stored; its hash is never selected by default. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text', { name: 'key_prefix' })
  keyPrefix!: string;

  @Column('bytea', { name: 'secret_hash', select: false })
  secretHash?: Buffer;

  @Column('uuid', { name: 'endpoint_ids', array: true, nullable: true })
  endpointIds!: string[] | null;

  @Column('text', { name: 'default_classification' })
  defaultClassification!: DataClassification;

  @Column('uuid', { name: 'use_case_id', nullable: true })
  useCaseId!: string | null;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
