#!/usr/bin/env node
// Prints an access token from the ai-commons Keycloak realm (see deploy/keycloak/README.md).
//
//   node tools/token.mjs <username> [password]            password grant via client ai-commons-cli
//   node tools/token.mjs --client svc-hanbit-bank [secret]  client_credentials for a service account
//   node tools/token.mjs --admin                            master-realm admin token (admin REST API;
//                                                           KEYCLOAK_ADMIN_USER/_PASSWORD, default kcadmin)
//
// Options:
//   --decode            print the decoded payload JSON instead of the token
//   --via <clientId>    public client for the password grant (default ai-commons-cli; tests also use
//                       ai-commons-noaud and ai-commons-short)
//   --realm <realm>     realm (default ai-commons; ai-commons-foreign for the wrong-issuer case)
//   --json              print the whole token endpoint response
//
// Base URL: KEYCLOAK_URL or http://localhost:18080. Defaults: password DEMO_PASSWORD or demo-password;
// service secret SVC_SECRET_<CLIENT WITHOUT svc-, upper snake> or <client without svc->-demo-secret.
// No dependencies: plain fetch (Node 18+). Importable: exports fetchToken and decodeJwtPayload.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const USAGE = `usage: node tools/token.mjs [--decode|--json] [--realm R] [--via CLIENT] <username> [password]
       node tools/token.mjs [--decode|--json] [--realm R] --client <svc-client-id> [secret]
       node tools/token.mjs [--decode|--json] --admin`;

function parseArgs(argv) {
  const opts = { decode: false, json: false, realm: 'ai-commons', via: 'ai-commons-cli', client: null, admin: false, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--decode') opts.decode = true;
    else if (a === '--json') opts.json = true;
    else if (a === '--realm') opts.realm = value();
    else if (a === '--via') opts.via = value();
    else if (a === '--client') opts.client = value();
    else if (a === '--admin') opts.admin = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.positional.push(a);
  }
  return opts;
}

function defaultSecret(clientId) {
  const slug = clientId.replace(/^svc-/, '');
  const envName = `SVC_SECRET_${slug.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return process.env[envName] ?? `${slug}-demo-secret`;
}

export function decodeJwtPayload(token) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

export async function fetchToken({ baseUrl, realm, form }) {
  const url = `${baseUrl}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  } catch (err) {
    throw new Error(`cannot reach ${url}: ${err.cause?.message ?? err.message} (is Keycloak running? deploy/keycloak/keycloak.sh start)`);
  }
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  if (!res.ok || !body.access_token) {
    const why = body.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}` : text.slice(0, 300);
    throw new Error(`token request failed (HTTP ${res.status}) at ${url}: ${why}`);
  }
  return body;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const baseUrl = (process.env.KEYCLOAK_URL || 'http://localhost:18080').replace(/\/+$/, '');
  let form;
  let realm = opts.realm;
  if (opts.admin) {
    if (opts.positional.length > 0 || opts.client) throw new Error(USAGE);
    realm = 'master';
    form = {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: process.env.KEYCLOAK_ADMIN_USER || 'kcadmin',
      password: process.env.KEYCLOAK_ADMIN_PASSWORD || 'kcadmin',
    };
  } else if (opts.client) {
    if (opts.positional.length > 1) throw new Error(USAGE);
    form = {
      grant_type: 'client_credentials',
      client_id: opts.client,
      client_secret: opts.positional[0] ?? defaultSecret(opts.client),
    };
  } else {
    if (opts.positional.length < 1 || opts.positional.length > 2) throw new Error(USAGE);
    form = {
      grant_type: 'password',
      client_id: opts.via,
      username: opts.positional[0],
      password: opts.positional[1] ?? process.env.DEMO_PASSWORD ?? 'demo-password',
      scope: 'openid',
    };
  }
  const body = await fetchToken({ baseUrl, realm, form });
  if (opts.json) console.log(JSON.stringify(body, null, 2));
  else if (opts.decode) console.log(JSON.stringify(decodeJwtPayload(body.access_token), null, 2));
  else console.log(body.access_token);
}

// Run as a command; importing the module (tests) only gets the helpers above.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`token.mjs: ${err.message}`);
    process.exit(1);
  });
}
