// The repository's own ESLint rules (wired in eslint.config.mjs as the `ai-commons` plugin). Not in
// tools/eslint-rules/: @nx/eslint-plugin claims that folder for Nx workspace rules (index.ts + tsconfig).
module.exports = {
  meta: { name: 'eslint-plugin-ai-commons' },
  rules: {
    'require-access-decorator': require('./require-access-decorator.cjs'),
  },
};
