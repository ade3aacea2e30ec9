#!/usr/bin/env node
// `npm run typecheck` (and `npm test`): every project's typecheck (its tsconfig files, as its Nx
// typecheck target names them) in as few TypeScript programs as their compiler options allow,
// instead of one tsc process per project. The libraries are imported from source through the paths
// of tsconfig.base.json, so per-project tsc parses and checks most of them again for every project
// that imports them; one program checks each file once.
//
// Projects share a program when their effective compiler options are equal and so are the ambient
// declarations their own files add (`/// <reference lib|types>`, `declare global`): a browser spec's
// DOM must not become visible to a Node library, where it would hide an error per-project tsc reports.
// The programs run in worker threads; each keeps TypeScript's incremental build info under
// .cache/typecheck/, so a warm run checks only what changed and a fresh clone checks everything.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { globSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import ts from 'typescript';

const repoRoot = path.resolve(import.meta.dirname, '..');
const cacheDir = path.join(repoRoot, '.cache', 'typecheck');

if (isMainThread) await main();
else checkInWorker();

async function main() {
  const started = performance.now();
  // The console's documents are typed from schema.graphql by codegen, which its typecheck depends on
  // (apps/console/project.json): generate them while the other programs are checked.
  const codegen = run(path.join(repoRoot, 'node_modules', '.bin', 'graphql-codegen'), ['--config', 'apps/console/codegen.ts', '--silent']);
  const groups = groupPrograms(typecheckConfigs());
  mkdirSync(cacheDir, { recursive: true });

  // Largest first, on as many threads as there are cores (the checker is single-threaded).
  const queue = [...groups].sort((a, b) => b.rootNames.length - a.rootNames.length);
  let errors = 0;
  const threads = Math.min(availableParallelism(), queue.length);
  await Promise.all(
    Array.from({ length: threads }, async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        if (group.needsCodegen && (await codegen) !== 0) {
          console.error(`✘ ${group.name}: graphql-codegen failed`);
          errors++;
          continue;
        }
        const result = await checkInThread(group);
        if (result.output) process.stdout.write(result.output);
        errors += result.errors;
        const mark = result.errors ? '✘' : '✔';
        console.log(`${mark} ${group.name}: ${group.configs.length} tsconfig, ${result.files} files, ${result.errors} errors (${result.seconds} s)`);
      }
    }),
  );
  if ((await codegen) !== 0 && !groups.some((g) => g.needsCodegen)) errors++;
  console.log(
    `typecheck: ${groups.length} programs for ${groups.reduce((n, g) => n + g.configs.length, 0)} tsconfig files, ${errors} errors (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exit(errors ? 1 : 0);
}

/** The tsconfig files each project's typecheck target checks: `tsc -p <file>` in its command. */
function typecheckConfigs() {
  const nx = JSON.parse(readFileSync(path.join(repoRoot, 'nx.json'), 'utf8'));
  const projects = globSync('**/project.json', { cwd: repoRoot, exclude: (name) => ['node_modules', 'dist', '.data', '.cache', '.nx', '.git'].includes(name) });
  const configs = [];
  for (const file of projects.sort()) {
    const project = JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8'));
    const target = project.targets?.typecheck;
    if (!target) continue;
    const root = path.dirname(file);
    const command = (target.options?.command ?? nx.targetDefaults.typecheck.options.command).replaceAll('{projectRoot}', root);
    const tsconfigs = [...command.matchAll(/\btsc -p (\S+)/g)].map((m) => m[1]);
    if (tsconfigs.length === 0) throw new Error(`${file}: no \`tsc -p\` in its typecheck command: ${command}`);
    const needsCodegen = (target.dependsOn ?? []).includes('codegen');
    for (const tsconfig of tsconfigs) configs.push({ project: project.name, tsconfig: path.join(repoRoot, tsconfig), needsCodegen });
  }
  return configs;
}

/** One program per set of equal compiler options and ambient declarations. */
function groupPrograms(configs) {
  const groups = new Map();
  for (const config of configs) {
    const parsed = ts.getParsedCommandLineOfConfigFile(config.tsconfig, { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: fail });
    if (parsed.errors.length) fail(parsed.errors[0]);
    // configFilePath names the file, not an option; everything else (paths, pathsBasePath, types, lib…) counts.
    const options = { ...parsed.options };
    delete options.configFilePath;
    const ambient = [...new Set(parsed.fileNames.flatMap(ambientDeclarations))].sort();
    const key = JSON.stringify([sortedKeys(options), ambient]);
    let group = groups.get(key);
    if (!group) {
      const id = createHash('sha256').update(key).digest('hex').slice(0, 12);
      group = { key, id, options, configs: [], rootNames: new Set(), needsCodegen: false };
      groups.set(key, group);
    }
    group.configs.push(path.relative(repoRoot, config.tsconfig));
    for (const f of parsed.fileNames) group.rootNames.add(f);
    group.needsCodegen ||= config.needsCodegen;
  }
  return [...groups.values()].map((g) => ({
    name: g.configs.length === 1 ? g.configs[0] : `${g.configs[0]} and ${g.configs.length - 1} more`,
    configs: g.configs,
    needsCodegen: g.needsCodegen,
    rootNames: [...g.rootNames].sort(),
    options: { ...g.options, noEmit: true, incremental: true, tsBuildInfoFile: path.join(cacheDir, `${g.id}.tsbuildinfo`) },
  }));
}

/** The ambient declarations a file adds to the whole program it is in. */
function ambientDeclarations(file) {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/^\/\/\/\s*<reference\s+(lib|types)\s*=\s*["']([^"']+)["']/gm)].map((m) => `${m[1]}:${m[2]}`);
  if (/\bdeclare\s+global\b/.test(text)) found.push(`global:${path.relative(repoRoot, file)}`);
  return found;
}

function sortedKeys(value) {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys(value[k])]),
    );
  return value;
}

function checkInThread(group) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { rootNames: group.rootNames, options: group.options } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`typecheck worker for ${group.name} exited with ${code}`)));
  });
}

function checkInWorker() {
  const started = performance.now();
  const { rootNames, options } = workerData;
  const host = ts.createIncrementalCompilerHost(options);
  const program = ts.createIncrementalProgram({ rootNames, options, host });
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  // With noEmit this writes only the build info (the cached diagnostics for the next run).
  program.emit();
  const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repoRoot, getNewLine: () => '\n' };
  const sorted = ts.sortAndDeduplicateDiagnostics(diagnostics);
  parentPort.postMessage({
    output: sorted.length ? ts.formatDiagnosticsWithColorAndContext(sorted, formatHost) : '',
    errors: sorted.filter((d) => d.category === ts.DiagnosticCategory.Error).length,
    files: program.getSourceFiles().length,
    seconds: ((performance.now() - started) / 1000).toFixed(1),
  });
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit' });
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

function fail(diagnostic) {
  console.error(ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repoRoot, getNewLine: () => '\n' }));
  process.exit(2);
}
