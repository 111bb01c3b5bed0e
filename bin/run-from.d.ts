/** True when `lfcc` should run the TypeScript sources (a checkout with sources newer than dist/). */
export function runFromSource(forced: string | undefined): boolean;
export const BUILD_STAMP: URL;
