import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { OfferingEntity } from '../offerings/offering.entity';
import type { LoadBalancing } from '../targets/target.model';
import type { EndpointHealth, EndpointState, IsolationMode, UpstreamDriver } from './endpoint.model';

/** An institution's endpoint. The credential columns are never selected unless asked for by name. */
@Entity('endpoints')
export class EndpointEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('uuid', { name: 'offering_id' })
  offeringId!: string;

  @ManyToOne(() => OfferingEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'offering_id' })
  offering?: OfferingEntity;

  @Column('text', { name: 'isolation_mode' })
  isolationMode!: IsolationMode;

  @Column('text')
  driver!: UpstreamDriver;

  @Column('text', { name: 'upstream_model' })
  upstreamModel!: string;

  @Column('text', { name: 'azure_deployment', nullable: true })
  azureDeployment!: string | null;

  @Column('text', { name: 'azure_api_version', nullable: true })
  azureApiVersion!: string | null;

  @Column('text')
  state!: EndpointState;

  @Column('text', { name: 'load_balancing' })
  loadBalancing!: LoadBalancing;

  @Column('text')
  health!: EndpointHealth;

  @Column('timestamptz', { name: 'health_checked_at', nullable: true })
  healthCheckedAt!: Date | null;

  @Column('text', { name: 'health_detail', nullable: true })
  healthDetail!: string | null;

  @Column('integer', { name: 'max_request_bytes' })
  maxRequestBytes!: number;

  @Column('integer', { name: 'max_output_tokens' })
  maxOutputTokens!: number;

  @Column('integer', { name: 'default_max_tokens' })
  defaultMaxTokens!: number;

  @Column('integer', { name: 'connect_timeout_ms' })
  connectTimeoutMs!: number;

  @Column('integer', { name: 'first_byte_timeout_ms' })
  firstByteTimeoutMs!: number;

  @Column('integer', { name: 'request_timeout_ms' })
  requestTimeoutMs!: number;

  @Column('integer', { name: 'max_choices' })
  maxChoices!: number;

  @Column('text', { name: 'allowed_extra_fields', array: true })
  allowedExtraFields!: string[];
  @Column('integer', { name: 'image_input_tokens' })
  imageInputTokens!: number;

  @Column('bytea', { name: 'credential_ciphertext', nullable: true, select: false })
  credentialCiphertext?: Buffer | null;

  @Column('text', { name: 'credential_key_id', nullable: true })
  credentialKeyId!: string | null;

  @Column('text', { name: 'credential_fingerprint', nullable: true, select: false })
  credentialFingerprint?: string | null;

  @Column('timestamptz', { name: 'credential_rotated_at', nullable: true })
  credentialRotatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

@Entity('endpoint_state_history')
export class EndpointStateChangeEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'endpoint_id' })
  endpointId!: string;

  @Column('text', { name: 'from_state', nullable: true })
  fromState!: EndpointState | null;

  @Column('text', { name: 'to_state' })
  toState!: EndpointState;

  @Column('text')
  reason!: string;

  @Column('text', { name: 'actor_subject' })
  actorSubject!: string;

  @CreateDateColumn({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
