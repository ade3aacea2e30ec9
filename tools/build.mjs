// Compiles apps/, libs/ and migrations/ with swc into dist/ (same layout), rewriting the
// @ai-commons/* path aliases to relative requires. Type checking is the separate `typecheck` target.
import { transformFile } from '@swc/core';
import { readFileSync, mkdirSync, writeFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist');
const swcrc = JSON.parse(readFileSync(path.join(root, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      // The web console is built by Vite (below), not swc.
      if (name === 'node_modules' || name === 'dist' || full === path.join(root, 'apps', 'console')) continue;
      yield* sources(full);
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(spec|test)\.ts$/.test(name)) {
      yield full;
    }
  }
}

rmSync(out, { recursive: true, force: true });
const files = ['apps', 'libs', 'migrations'].flatMap((d) => [...sources(path.join(root, d))]);
await Promise.all(
  files.map(async (file) => {
    const { code, map } = await transformFile(file, {
      ...swcrc,
      swcrc: false,
      jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
      sourceMaps: true,
      sourceFileName: path.relative(path.join(out, path.dirname(path.relative(root, file))), file),
    });
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    writeFileSync(`${target}.map`, map);
  }),
);
console.log(`built ${files.length} files into dist/`);

// The web console (Vite), served by the control plane at /console; fails over its size budget.
const { spawnSync } = await import('node:child_process');
const consoleBuild = spawnSync(process.execPath, [path.join(root, 'apps/console/tools/build-console.mjs')], { cwd: root, stdio: 'inherit' });
if (consoleBuild.status !== 0) process.exit(consoleBuild.status ?? 1);
