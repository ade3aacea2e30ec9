import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CatalogStatus, Modality, ModelKind } from './model.model';

@Entity('models')
export class ModelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text')
  family!: string;

  @Column('text')
  kind!: ModelKind;

  @Column('text')
  provider!: string;

  @Column('text')
  licence!: string;

  @Column('numeric', { name: 'parameter_count_billions', precision: 10, scale: 2, nullable: true })
  parameterCountBillions!: string | null;

  @Column('integer', { name: 'context_window' })
  contextWindow!: number;

  @Column('text', { array: true })
  modalities!: Modality[];

  @Column('numeric', { name: 'mmlu_score', precision: 5, scale: 2, nullable: true })
  mmluScore!: string | null;

  @Column('numeric', { name: 'price_input_per_1k_tokens_krw', precision: 14, scale: 4 })
  priceInputPer1kTokensKrw!: string;

  @Column('numeric', { name: 'price_output_per_1k_tokens_krw', precision: 14, scale: 4 })
  priceOutputPer1kTokensKrw!: string;

  @Column('text')
  status!: CatalogStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}
