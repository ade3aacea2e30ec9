// GraphiQL, bundled (no CDN), in its own lazily loaded chunk; signed in with the console's token;
// docs from the committed schema, so it works where introspection is off.
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { buildSchema } from 'graphql';
import schemaText from '@committed/schema.graphql?raw';
import { useEffect, useRef } from 'react';
import { accessToken } from '../auth/auth';
import { useI18n } from '../i18n/i18n';
import { patchGraphiQLAccessibility } from './graphiql-accessibility';

const schema = buildSchema(schemaText);

async function fetcher(params: unknown) {
  const response = await fetch(`${window.location.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await accessToken()}` },
    body: JSON.stringify(params),
  });
  return response.json();
}

const DEFAULT_QUERY = `# ai-commons GraphQL API
{
  me { username roles institution { slug nameKo nameEn } }
}
`;

export default function GraphiQLPage() {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => (host.current ? patchGraphiQLAccessibility(host.current, (index) => t('graphql.editor', { index: index + 1 })) : undefined), [t]);
  return (
    <div className="graphiql-host" ref={host}>
      <h1 className="visually-hidden">{t('graphql.title')}</h1>
      <GraphiQL fetcher={fetcher} schema={schema} defaultQuery={DEFAULT_QUERY} />
    </div>
  );
}
