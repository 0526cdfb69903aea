/** Name and version reported as the instrumentation scope (kept equal to package.json by a test). */
export const PACKAGE_NAME = 'ai-pricetag';
export const PACKAGE_VERSION = '0.1.0';
