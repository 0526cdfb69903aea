// --import ./sdk-preload.mjs: an ESM application's SDK, with the import hook OpenTelemetry's
// instrumentations need for ESM imports, as their docs set it up.
import { register } from 'node:module';
import { createRequire } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
createRequire(import.meta.url)('./sdk.cjs').startAppSdk(process.env.WITH_PRICETAG === '1');
