// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  moduleNameMapper: {
    ...base.moduleNameMapper,
    // jsdom would pick yaml's ESM browser build; the tests (dashboards/provisioning) want its CommonJS build.
    '^yaml$': '<rootDir>/node_modules/yaml/dist/index.js',
  },
};
