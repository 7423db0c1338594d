import { parseConfig } from '../src/config/index.js';
import { loadEmbedder } from '../src/embed/index.js';
import { updateIndex } from '../src/index/build.js';

export default async function setup() {
  const config = parseConfig({});
  await updateIndex(config, { embedder: () => loadEmbedder(config) });
}
