// Unit tests of every project in one jest run (`npm test` runs it; the e2e suite is separate).
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.cjs',
    '<rootDir>/libs/*/*/jest.config.cjs',
    '<rootDir>/tools/*/jest.config.cjs',
    '<rootDir>/deploy/kubernetes/jest.config.cjs',
  ],
};
