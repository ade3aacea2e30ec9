import { dropTestDatabase } from '@ai-commons/testing';

export default async function globalTeardown(): Promise<void> {
  if (!process.env.E2E_DATABASE) return;
  const database = JSON.parse(process.env.E2E_DATABASE) as { adminUrl: string; name: string };
  await dropTestDatabase(database.adminUrl, database.name);
}
