/** The committed SDL, at the repository root: member institutions generate their clients from it. */
export const SCHEMA_FILE = 'schema.graphql';
/** Regenerates SCHEMA_FILE from the code (the one command after any API change or merge). */
export const SCHEMA_GENERATE_COMMAND = 'npm run schema:generate';
