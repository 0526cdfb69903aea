// --require ./sdk-preload.cjs: the application's SDK started from a preload (the NODE_OPTIONS idiom).
require('./sdk.cjs').startAppSdk(process.env.WITH_PRICETAG === '1');
