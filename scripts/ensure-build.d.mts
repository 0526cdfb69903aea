// Types of ensure-build.mjs, for the TypeScript tests that use it.
/** Builds dist/ (npm run build) when it is missing or older than its sources. */
export declare function ensureBuilt(): void;
