import type { SdkInfo } from '@faultline/core';

/** The package version, kept equal to `package.json` by a test. */
export const SDK_VERSION = '0.1.0';

export const SDK_NAME = 'faultline.browser';

export const SDK_INFO: SdkInfo = { name: SDK_NAME, version: SDK_VERSION };
