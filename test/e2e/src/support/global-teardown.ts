import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  if (!process.env.E2E_DATABASE) return;
  require(path.resolve(__dirname, '../../../../tools/jest-global-aliases.cjs'));
  const { dropTestDatabase } = await import('@ai-commons/testing');
  const database = JSON.parse(process.env.E2E_DATABASE) as { adminUrl: string; name: string };
  await dropTestDatabase(database.adminUrl, database.name);
}
