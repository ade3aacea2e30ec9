#!/usr/bin/env node
// Database administration: `npm run db:bootstrap | db:migrate | db:revert [-- steps]`.
//   bootstrap  creates the roles and database (needs DATABASE_ADMIN_URL: a superuser connection)
//   migrate    applies pending migrations as the owner (DATABASE_URL); with DATABASE_ADMIN_URL (a superuser)
//              the owner is lent the audit owner's role for their duration (changes to the audit log need it)
//   revert     reverts the last migration (or N: `npm run db:revert -- 2`, `all`)
// Without DATABASE_URL these act on the embedded development database of `npm start`.
import { mustRun, repoRoot } from './lib/process.mjs';
import { resolveDatabase } from './lib/database.mjs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [command = 'migrate', stepsArg] = process.argv.slice(2);
// The container image ships dist/ already built and has no compiler (AI_COMMONS_PREBUILT=1).
if (process.env.AI_COMMONS_PREBUILT !== '1') await mustRun('node', ['tools/build.mjs']);
const database = require(path.join(repoRoot, 'dist/libs/platform/database/src/index.js'));
const { ALL_MIGRATIONS } = require(path.join(repoRoot, 'dist/migrations/src/index.js'));

const resolved = await resolveDatabase({ bootstrap: command === 'bootstrap' });
try {
  if (command === 'bootstrap') {
    console.log(`bootstrapped roles and database ${resolved.databaseName}`);
  } else if (command === 'migrate') {
    const applied = await database.runMigrations(resolved.ownerUrl, ALL_MIGRATIONS, { adminUrl: resolved.adminUrl });
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  } else if (command === 'revert') {
    const steps = stepsArg === 'all' ? Infinity : Number(stepsArg ?? 1);
    const reverted = await database.revertMigrations(resolved.ownerUrl, ALL_MIGRATIONS, steps, { adminUrl: resolved.adminUrl });
    console.log(reverted.length ? `reverted: ${reverted.join(', ')}` : 'nothing to revert');
  } else {
    console.error(`unknown command ${command}: use bootstrap, migrate or revert`);
    process.exitCode = 2;
  }
} finally {
  await resolved.stop();
}
