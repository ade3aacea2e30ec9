// Lets a child `node` process run the TypeScript sources directly (node -r ./register-ts.cjs src/main.ts),
// so the CLI can be tested as a real process without a prior build: the workspace's register hook
// (swc with the workspace .swcrc, @ai-commons/* aliases resolved to their sources).
require('../../../../tools/register-ts.cjs');
