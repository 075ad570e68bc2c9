// The quick start of packages/openwhisk/README.md, invoked the way the runtime calls `main`.
const { wrapAction } = require('@faultline/openwhisk');

exports.main = wrapAction(
  async (params) => {
    if (!params.image) throw new Error('no image given');
    return { thumbnail: `small ${params.image}` };
  },
  { release: 'thumbnails@1.4.0' },
);

exports
  .main({ image: 'cat.png' })
  .then((ok) => console.log(JSON.stringify(ok)))
  .then(() => exports.main({}))
  .catch((error) => console.log(`rethrown: ${error.message}`));
