// Types of packed-install.mjs, for the TypeScript tests and benchmarks that use it.
export declare const ZERO_CODE_PEERS: readonly string[];
/** `name@range` from package.json's peerDependencies. */
export declare function peerSpec(name: string): string;
export interface InstalledApp {
  readonly dir: string;
  readonly packages: readonly string[];
  /** `name (script, …)` for every installed package with an install-time script. */
  readonly installScripts: readonly string[];
  readonly diskBytes: number;
  readonly apparentBytes: number;
}
export declare function packTarball(dir?: string): string;
export declare function installInto(specs: readonly string[], dir?: string): InstalledApp;
