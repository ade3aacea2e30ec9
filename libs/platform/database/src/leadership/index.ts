export * from './leadership-decision';
export * from './advisory-lock-leadership';
export * from './periodic-pass';
