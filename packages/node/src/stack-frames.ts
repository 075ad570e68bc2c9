import { parseStack, type StackParser } from '@faultline/core';

/** Node reads stacks with core's parser, the one every runtime uses (frames match the browser's). */
export const parseStackFrames: StackParser = parseStack;
