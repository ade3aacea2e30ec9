import type { Queryable } from './queryable';

/** Which tree heads one signing key signed: the first and last (by tree size and time). */
export interface SigningKeyUsage {
  readonly keyId: string;
  readonly treeHeadCount: number;
  readonly firstTreeSize: number;
  readonly lastTreeSize: number;
  readonly firstSignedAt: Date;
  readonly lastSignedAt: Date;
}

/**
 * Per key id, the span of tree heads it signed. One pass over audit_tree_heads (no index on
 * key_id: the table holds one row per signed head, and this is read rarely — by people pinning keys).
 */
export async function signingKeyUsage(query: Queryable): Promise<Map<string, SigningKeyUsage>> {
  const rows = await query<{ key_id: string; heads: string; first_size: string; last_size: string; first_at: Date; last_at: Date }>(
    `select key_id, count(*) as heads, min(tree_size) as first_size, max(tree_size) as last_size,
            min(signed_at) as first_at, max(signed_at) as last_at
       from audit_tree_heads group by key_id`,
  );
  return new Map(
    rows.map((row) => [
      row.key_id,
      {
        keyId: row.key_id,
        treeHeadCount: Number(row.heads),
        firstTreeSize: Number(row.first_size),
        lastTreeSize: Number(row.last_size),
        firstSignedAt: row.first_at,
        lastSignedAt: row.last_at,
      },
    ]),
  );
}
