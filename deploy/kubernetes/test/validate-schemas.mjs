#!/usr/bin/env node
// Validates Kubernetes objects (a JSON array in the file named by argv[2]) against the Kubernetes
// API's OpenAPI schemas as shipped by `kubernetes-models` (ESM only, hence a separate node process
// rather than jest's CommonJS loader). Prints a JSON report: the objects validated, their errors,
// and the custom resources it has no schema for.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const report = { validated: [], errors: [], noSchema: [] };
for (const object of objects) {
  const id = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [undefined, object.apiVersion];
  const module = `kubernetes-models/${group ? `${group}/` : ''}${version}`;
  let models;
  try {
    models = await import(module);
  } catch {
    report.noSchema.push(id);
    continue;
  }
  const Model = models[object.kind];
  if (!Model) {
    report.errors.push({ id, message: `${object.apiVersion} has no kind ${object.kind}` });
    continue;
  }
  try {
    new Model(object).validate();
    report.validated.push(id);
  } catch (error) {
    report.errors.push({ id, message: error.message });
  }
}
process.stdout.write(JSON.stringify(report));
