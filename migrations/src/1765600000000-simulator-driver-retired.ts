import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `simulator` upstream driver is retired: the model simulator speaks the OpenAI-compatible
 * protocol (same fields, same paths, same probe), so its endpoints are `openai-compatible`
 * endpoints and production's driver list names only real upstream protocols.
 *
 * Up rewrites existing `simulator` rows, then narrows the check. The table's row-level security is
 * forced (its policies are for the app role only), so the owner lifts the force for this one update,
 * inside the migration's transaction. Down widens the check again; the rewritten rows stay
 * `openai-compatible`, which the gateway treats exactly as it treated `simulator` (which rows were
 * `simulator` is not kept: nothing depended on it).
 */
export class SimulatorDriverRetired1765600000000 implements MigrationInterface {
  name = 'SimulatorDriverRetired1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table endpoints no force row level security;
      update endpoints set driver = 'openai-compatible' where driver = 'simulator';
      alter table endpoints force row level security;
      alter table endpoints drop constraint endpoints_driver_check;
      alter table endpoints add constraint endpoints_driver_check check (driver in ('openai-compatible', 'azure-openai'));
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table endpoints drop constraint endpoints_driver_check;
      alter table endpoints add constraint endpoints_driver_check check (driver in ('openai-compatible', 'azure-openai', 'simulator'));
    `);
  }
}
