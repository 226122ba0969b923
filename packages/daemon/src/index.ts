export const PACKAGE = 'daemon';
