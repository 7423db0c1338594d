import { openEngine } from '/work/main/src/app/open.js';
import { parseConfig } from '/work/main/src/config/index.js';
const e = await openEngine(parseConfig({ CORPUS_DIR: '/tmp/pl/corpus', INDEX_DIR: '/tmp/pl/index' }));
for (const q of process.argv.slice(2)) {
  const a = await e.search(q);
  console.log(q, a.confidence, JSON.stringify(a.understood.concepts), JSON.stringify(a.decision), a.understood.district, JSON.stringify(a.understood.places?.map((p:any)=>p.name)));
}
