// Generic component discovery shared by health and RCA: components from labels, metric families from
// common conventions, each narrowed to a component by its label matchers.
export { componentsFromLabels, componentOfLabel, fillComponent, promString, regexLiteral, workloadOfPod, type Component, type ComponentSource } from './components.js';
export { FAMILIES, FAMILY_NAMES_REGEX, REAL_FS, defaultHealthCategories, familiesPresent, type Family } from './conventions.js';
export { discover, type DiscoveryReader, type DiscoveryResult } from './discover.js';
