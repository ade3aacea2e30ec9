// The repository's own ESLint rules (wired in eslint.config.mjs as the `ai-commons` plugin).
module.exports = {
  meta: { name: 'eslint-plugin-ai-commons' },
  rules: {
    'require-access-decorator': require('./require-access-decorator.cjs'),
  },
};
