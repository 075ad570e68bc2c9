import type { SdkInfo } from '@faultline/core';

/**
 * The package version, kept equal to `package.json` by a test. A constant rather than a JSON
 * import: it costs nothing at startup and reads the same from the ESM and CJS builds and from
 * sources under vitest.
 */
export const SDK_VERSION = '0.1.0';

export const SDK_NAME = 'faultline.node';

export const SDK_INFO: SdkInfo = { name: SDK_NAME, version: SDK_VERSION };
