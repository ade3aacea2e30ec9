import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { InstitutionStatus } from '@ai-commons/core';
import type { Contact, DataClassification, Sector } from './institution.model';

@Entity('institutions')
export class InstitutionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  slug!: string;

  @Column('text', { name: 'name_ko' })
  nameKo!: string;

  @Column('text', { name: 'name_en' })
  nameEn!: string;

  @Column('text')
  sector!: Sector;

  @Column('numeric', { name: 'invested_capital_krw', precision: 24, scale: 0 })
  investedCapitalKrw!: string;

  @Column('text')
  status!: InstitutionStatus;

  @Column('text', { name: 'data_classification_ceiling' })
  dataClassificationCeiling!: DataClassification;

  @Column('jsonb')
  contacts!: Contact[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity('institution_status_history')
export class InstitutionStatusChangeEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { name: 'from_status', nullable: true })
  fromStatus!: InstitutionStatus | null;

  @Column('text', { name: 'to_status' })
  toStatus!: InstitutionStatus;

  @Column('text')
  reason!: string;

  @Column('text', { name: 'actor_subject' })
  actorSubject!: string;

  @CreateDateColumn({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}

export const TENANCY_ENTITIES = [InstitutionEntity, InstitutionStatusChangeEntity];
