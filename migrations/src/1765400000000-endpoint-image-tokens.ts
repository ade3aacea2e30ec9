import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `endpoints.image_input_tokens`: what one image (or other non-text message part: audio, file)
 * costs in the gateway's admission estimate, per endpoint, since models price images differently.
 * Default 765: OpenAI's high-detail price of a 1024×1024 image (4 tiles × 170 + 85).
 */
export class EndpointImageTokens1765400000000 implements MigrationInterface {
  name = 'EndpointImageTokens1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table endpoints add column image_input_tokens integer not null default 765;
      alter table endpoints add constraint endpoints_image_input_tokens_positive check (image_input_tokens > 0);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table endpoints drop constraint endpoints_image_input_tokens_positive;
      alter table endpoints drop column image_input_tokens;
    `);
  }
}
