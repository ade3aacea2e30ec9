import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { EndpointHealth } from '../endpoints/endpoint.model';
import type { TargetState } from './target.model';

/** One upstream replica of an endpoint. */
@Entity('endpoint_targets')
export class EndpointTargetEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'endpoint_id' })
  endpointId!: string;

  @Column('text')
  url!: string;

  @Column('integer')
  weight!: number;

  @Column('text')
  state!: TargetState;

  @Column('text')
  health!: EndpointHealth;

  @Column('timestamptz', { name: 'health_checked_at', nullable: true })
  healthCheckedAt!: Date | null;

  @Column('text', { name: 'health_detail', nullable: true })
  healthDetail!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
