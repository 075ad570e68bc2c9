// express 4 is installed under the npm alias `express4`; its API for these tests is the one
// @types/express describes.
declare module 'express4' {
  import express from 'express';
  export default express;
}
