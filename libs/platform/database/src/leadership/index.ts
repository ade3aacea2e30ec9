export * from './leadership-decision';
export * from './advisory-lock-leadership';
