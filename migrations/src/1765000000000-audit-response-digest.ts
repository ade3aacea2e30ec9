import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_events.response_hmac`: the completion record of a gateway request carries an HMAC-SHA256
 * of the response body the caller received, under the institution's content key, as the admission
 * record carries one of the prompt. Neither content is stored. Existing rows keep NULL, which the
 * leaf document omits, so every leaf already hashed stays valid.
 */
export class AuditResponseDigest1765000000000 implements MigrationInterface {
  name = 'AuditResponseDigest1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table audit_events add column response_hmac text;
      alter table audit_events add constraint audit_events_response_hmac_hex
        check (response_hmac is null or response_hmac ~ '^[0-9a-f]{64}$');
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table audit_events drop constraint audit_events_response_hmac_hex;
      alter table audit_events drop column response_hmac;
    `);
  }
}
