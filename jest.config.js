/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // jose and oauth4webapi are ESM-only; jest on Node 20 cannot require(esm), so it is transformed like our code.
  transformIgnorePatterns: ['/node_modules/(?!(jose|oauth4webapi)/)'],
  testTimeout: 30000,
  // Real servers on loopback: keep suites from starving each other on 2 cores.
  maxWorkers: 2,
};
