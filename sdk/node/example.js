// A gocluster worker: gocluster serve -exec 'node sdk/node/example.js'
const gocluster = require('./gocluster');

gocluster.job('wordcount', { doc: 'counts words in a string', example: 'to be or not' },
  (text) => text.split(/\s+/).filter(Boolean).length);

gocluster.run();
