export * from './create-control-plane';
export * from './control-plane.module';
