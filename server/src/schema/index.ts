// One import for everything schema-related.
export * from './types';
export * from './lookup';
export * from './drivers';
export * from './capabilities';
export * from './signals';
export { FREE_FORM, STRING_ATTRIBUTES } from './build';
export { JOB_TYPES } from './job';
