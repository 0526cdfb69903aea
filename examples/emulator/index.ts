/** The provider emulator's public API (see README.md). */
export { baseUrlsFor, DEFAULT_OPTIONS, endpointsFor, pricetagEndpointsFor, startEmulator } from './server.js';
export type { Emulator, EmulatorEndpoint, EmulatorOptions, EmulatorStats, RequestLogEntry } from './server.js';
export { DEFAULT_FAULT_MIX, FAULT_HEADER, FAULTS } from './faults.js';
export type { Fault, FaultMix } from './faults.js';
export { PROVIDER_NAMES } from './providers/index.js';
export type { ProviderName } from './providers/index.js';
