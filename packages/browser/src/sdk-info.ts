import type { SdkInfo } from '@faultline/core';

/** The package version, kept equal to `package.json` by a test. */
export const SDK_VERSION = '0.1.0';

export const SDK_NAME = 'faultline.browser';

// Literals rather than the constants above: the bundle then holds one small object.
export const SDK_INFO: SdkInfo = { name: 'faultline.browser', version: '0.1.0' };
