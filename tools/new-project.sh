#!/usr/bin/env bash
# Usage: tools/new-project.sh <dir> <import-alias|-> <tags comma-separated>
# Creates an Nx project with lint, typecheck and test targets and (for libs) a path alias.
set -euo pipefail
dir=$1; alias=$2; tags=$3
name=$(basename "$dir")
mkdir -p "$dir/src"
depth=$(echo "$dir" | awk -F/ '{print NF}')
up=$(printf '../%.0s' $(seq 1 "$depth"))
tagjson=$(echo "$tags" | sed 's/[^,][^,]*/"&"/g')
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$( [[ $dir == apps/* ]] && echo application || echo library )",
  "tags": [$tagjson],
  "targets": { "lint": {}, "typecheck": {}, "test": {} }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "include": ["src/**/*.ts", "test/**/*.ts"]
}
JSON
cat > "$dir/jest.config.cjs" <<JS
module.exports = {
  ...require('${up}jest.preset.cjs'),
  displayName: '$name',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  
};
JS
[ -f "$dir/src/index.ts" ] || [[ $dir == apps/* ]] || echo "export {};" > "$dir/src/index.ts"
if [ "$alias" != "-" ]; then
  node -e "
    const fs=require('fs');const f='tsconfig.base.json';const j=JSON.parse(fs.readFileSync(f,'utf8'));
    j.compilerOptions.paths['$alias']=['$dir/src/index.ts'];
    j.compilerOptions.paths=Object.fromEntries(Object.entries(j.compilerOptions.paths).sort());
    fs.writeFileSync(f, JSON.stringify(j,null,2)+'\n');"
fi
