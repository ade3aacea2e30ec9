import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CatalogStatus } from '../models/model.model';
import { ModelEntity } from '../models/model.entity';
import type { Hosting, NetworkZone } from './offering.model';

@Entity('model_offerings')
export class OfferingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'model_id' })
  modelId!: string;

  @ManyToOne(() => ModelEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'model_id' })
  model?: ModelEntity;

  @Column('text')
  hosting!: Hosting;

  @Column('text')
  region!: string;

  @Column('text', { name: 'network_zone' })
  networkZone!: NetworkZone;

  @Column('text')
  operator!: string;

  @Column('text', { name: 'authority_confirmation_ref', nullable: true })
  authorityConfirmationRef!: string | null;

  @Column('timestamptz', { name: 'authority_confirmation_expires_at', nullable: true })
  authorityConfirmationExpiresAt!: Date | null;

  @Column('text')
  status!: CatalogStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}
