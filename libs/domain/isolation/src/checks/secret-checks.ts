import { endpointCredentialContext } from '@ai-commons/catalog';
import { fail, ident, pass, type IsolationCheck, type RunContext } from './check';
import { PROMPT_KEYS, containsPattern, printableShare, promptNamedColumns, scannedColumns, type TextColumn } from './secret-columns';

async function textColumns(context: RunContext): Promise<TextColumn[]> {
  const rows: TextColumn[] = await context.asSystem((tx) =>
    tx.query(`
      select c.table_name as table, c.column_name as column, c.data_type as type
      from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')
      order by c.table_name, c.column_name`),
  );
  return scannedColumns(rows);
}

/** Counts, per column, the rows whose text contains any of `needles` (as the app role in system scope). */
async function scanFor(context: RunContext, columns: TextColumn[], needles: string[]): Promise<{ table: string; column: string; rows: number }[]> {
  if (!needles.length || !columns.length) return [];
  const patterns = needles.map(containsPattern);
  return context.asSystem(async (tx) => {
    const hits: { table: string; column: string; rows: number }[] = [];
    for (const { table, column, type } of columns) {
      const text = type === 'bytea' ? `encode(${ident(column)}, 'escape')` : `${ident(column)}::text`;
      const [row]: { rows: number }[] = await tx.query(`select count(*)::int as rows from ${ident(table)} where ${text} like any($1)`, [patterns]);
      if (row.rows > 0) hits.push({ table, column, rows: row.rows });
    }
    return hits;
  });
}

export const credentialsEncrypted: IsolationCheck = {
  id: 'secrets.credentials-encrypted',
  title: 'Upstream credentials are encrypted at rest and appear nowhere in plain text',
  concern: 'operator-access',
  method:
    "Reads every endpoint's stored credential as the app role: it must decrypt (authenticated encryption under the configured key, bound to its endpoint), " +
    'must not contain its plaintext and must not look like text. Then scans every text, JSON and binary column of every table for the decrypted credentials (must be nowhere).',
  async run(context) {
    const rows: { tenant_id: string; id: string; name: string; credential_ciphertext: Buffer; credential_key_id: string }[] = await context.asSystem((tx) =>
      tx.query('select tenant_id, id, name, credential_ciphertext, credential_key_id from endpoints where credential_ciphertext is not null'),
    );
    const plaintexts: string[] = [];
    const problems: Record<string, unknown>[] = [];
    for (const row of rows) {
      const printable = printableShare(row.credential_ciphertext);
      let plaintext: string | undefined;
      try {
        plaintext = context.cipher.decrypt(
          { ciphertext: row.credential_ciphertext, keyId: row.credential_key_id },
          endpointCredentialContext(row.tenant_id, row.id),
        );
      } catch (error) {
        problems.push({
          endpoint: row.id,
          name: row.name,
          problem: 'does not decrypt as a credential sealed for this endpoint (plain text or foreign ciphertext)',
          error: (error as Error).message.slice(0, 120),
          printableShare: Number(printable.toFixed(2)),
        });
        continue;
      }
      if (plaintext.length >= 4) plaintexts.push(plaintext);
      if (plaintext.length >= 4 && row.credential_ciphertext.includes(Buffer.from(plaintext, 'utf8'))) {
        problems.push({ endpoint: row.id, name: row.name, problem: 'stored value contains the credential in plain text' });
      }
    }
    const columns = await textColumns(context);
    const copies = await scanFor(
      context,
      columns.filter((column) => !(column.table === 'endpoints' && column.column === 'credential_ciphertext')),
      plaintexts,
    );
    const evidence = {
      storedCredentials: rows.length,
      keyIds: [...new Set(rows.map((row) => row.credential_key_id))],
      columnsScanned: columns.length,
      problems,
      plaintextCopies: copies,
    };
    if (problems.length || copies.length) {
      return fail(`${problems.length} stored credentials are not properly encrypted; plain copies found in ${copies.length} columns`, evidence);
    }
    return pass(
      `${rows.length} stored upstream credentials decrypt only under the platform key; none appears in plain text in ${columns.length} columns`,
      evidence,
    );
  },
};

export const noPlaintextPrompts: IsolationCheck = {
  id: 'secrets.no-plaintext-prompts',
  title: 'No prompt or response text is stored in plain text',
  concern: 'operator-access',
  method:
    'Lists every text-like column of every table: none may be named for prompt or response content (only prompt_hmac and response_hmac, HMACs, are allowed). Counts JSON values ' +
    "carrying prompt-shaped keys (messages, prompt, input, content, completion, choices). Scans every text, JSON and binary column for this run's marker, which the gateway probes sent as prompt text.",
  async run(context) {
    const columns = await textColumns(context);
    const promptColumns = promptNamedColumns(columns);
    const jsonColumns = columns.filter((column) => column.type === 'jsonb');
    const promptShaped: { table: string; column: string; rows: number }[] = await context.asSystem(async (tx) => {
      const hits: { table: string; column: string; rows: number }[] = [];
      for (const { table, column } of jsonColumns) {
        const [row]: { rows: number }[] = await tx.query(
          `select count(*)::int as rows from ${ident(table)} where jsonb_typeof(${ident(column)}) = 'object' and ${ident(column)} ?| $1`,
          [[...PROMPT_KEYS]],
        );
        if (row.rows > 0) hits.push({ table, column, rows: row.rows });
      }
      return hits;
    });
    const markerHits = await scanFor(context, columns, [context.marker]);
    const evidence = { columnsScanned: columns.length, promptColumns, promptShapedJson: promptShaped, marker: context.marker, markerHits };
    if (promptColumns.length || promptShaped.length || markerHits.length) {
      return fail(
        `Prompt text may be stored: ${promptColumns.length} prompt-named columns, ${promptShaped.length} JSON columns with prompt-shaped values, marker found in ${markerHits.length} columns`,
        evidence,
      );
    }
    return pass(`${columns.length} text-like columns: none holds prompt or response text; the probe marker is stored nowhere`, evidence);
  },
};
