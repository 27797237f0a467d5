/* A fast look inside the site's search for tuning: runs the built search worker (the prelude
   of overrides/hw-search-worker.js with Material's worker, as written into site/) in Node, on a
   language's index, and shows what Material's result list would: pages in order and the section
   links shown without opening a fold. The same scoring as bench/search_eval.py, which types into
   Chromium and stays the measure of record (the two agreed on every query of the set on
   2026-12-03); this takes seconds instead of a minute and shows each query as rewritten and the
   scores of each page's results.

   node bench/search_probe.js SITE LANG QUERY...        rewritten query, top pages and sections
   node bench/search_probe.js SITE --tsv QUERIES.tsv    page in top 3 / section in top 3 / page
                                                        first per language; FAILS=1 lists misses
   Exit codes: 0 done, 2 bad input (no built site, unknown language, unreadable query file). */
"use strict";
const fs = require("fs"), vm = require("vm"), path = require("path");

function fail(message) { console.error(message); process.exit(2); }

function worker(site, lang) {
  const folder = path.join(site, "assets/javascripts/workers");
  const indexFile = path.join(site, lang === "en" ? "" : lang, "search/search_index.json");
  if (!fs.existsSync(folder) || !fs.existsSync(indexFile)) fail(`${site}: no built site with a ${lang} search index (run make build)`);
  const file = fs.readdirSync(folder).find(f => f.startsWith("search.hw.") && f.endsWith(".js"));
  if (!file) fail(`${folder}: no search.hw.*.js worker`);
  const listeners = [], context = { console, Proxy, setTimeout, setImmediate, Promise, Uint16Array, Map, Set };
  let answer = null;
  context.self = context;
  context.addEventListener = (type, listener) => listeners.push(listener);
  context.postMessage = message => { answer = message; };
  context.importScripts = (...urls) => urls.forEach(url =>
    vm.runInContext(fs.readFileSync(path.join(folder, url), "utf8"), context, { filename: url }));
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(path.join(folder, file), "utf8"), context, { filename: file });
  async function send(message) {
    answer = null;
    listeners.forEach(listener => listener({ data: message }));
    while (!answer) await new Promise(resolve => setImmediate(resolve));
    return answer;
  }
  const index = JSON.parse(fs.readFileSync(indexFile, "utf8"));
  const ready = send({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } });
  return { ready, async search(query) {
    const message = { type: 2, data: query };
    const result = (await send(message)).data;
    return { rewritten: message.data, result };
  } };
}

/* What Material's list shows (renderSearchResultItem): per page, the sections that score as high
   as the group's first entry, the rest folded. */
function shown(result) {
  const pages = [], sections = [];
  for (const group of result.items) {
    const threshold = group[0].score, docs = [...group];
    const [page] = docs.splice(docs.findIndex(d => !d.location.includes("#")), 1);
    let cut = docs.findIndex(d => d.score < threshold);
    if (cut < 0) cut = docs.length;
    pages.push(page.location);
    docs.slice(0, cut).forEach(d => sections.push(d.location));
  }
  return { pages, sections };
}

async function main() {
  const [site, ...rest] = process.argv.slice(2);
  if (!site || !rest.length) fail("usage: node bench/search_probe.js SITE (LANG QUERY... | --tsv QUERIES.tsv)");
  if (rest[0] !== "--tsv") {
    const lang = rest[0];
    if (!["en", "zh"].includes(lang)) fail(`unknown language ${lang}`);
    const w = worker(site, lang);
    await w.ready;
    for (const query of rest.slice(1)) {
      const { rewritten, result } = await w.search(query);
      console.log(JSON.stringify(query), "->", rewritten);
      result.items.slice(0, 5).forEach(group =>
        console.log("  ", group.slice(0, 4).map(d => `${d.location} ${d.score.toFixed(1)}`).join(" | ")));
      console.log("   sections shown:", shown(result).sections.slice(0, 3).join(", "));
    }
    return;
  }
  let text;
  try { text = fs.readFileSync(rest[1], "utf8"); } catch (error) { fail(`${rest[1]}: ${error.message}`); }
  const rows = text.split("\n").slice(1).filter(line => line.trim()).map(line => line.split("\t"));
  const workers = {}, stats = {}, misses = [];
  for (const [lang, query, target, anchor, kind] of rows) {
    const page = target === "/" ? "" : target;
    if (!workers[lang]) { workers[lang] = worker(site, lang); await workers[lang].ready; }
    const { result } = await workers[lang].search(query);
    const { pages, sections } = shown(result);
    const s = stats[lang] || (stats[lang] = { n: 0, top3: 0, first: 0, anchored: 0, section: 0 });
    const top3 = pages.slice(0, 3).includes(page), first = pages[0] === page;
    const section = anchor ? sections.slice(0, 3).includes(`${page}#${anchor}`) : null;
    s.n++; s.top3 += top3; s.first += first;
    if (anchor) { s.anchored++; s.section += section; }
    if (!top3 || section === false || !first)
      misses.push(`${lang} ${!top3 ? "PAGE" : section === false ? "SECT" : "FIRST"} ${JSON.stringify(query)} [${kind}] ` +
                  `want ${page}#${anchor}; got ${pages.slice(0, 3).join(", ")}; sections ${sections.slice(0, 3).join(", ")}`);
  }
  const pct = (a, b) => (100 * a / b).toFixed(1);
  for (const [lang, s] of Object.entries(stats))
    console.log(lang, pct(s.top3, s.n), pct(s.section, s.anchored), pct(s.first, s.n));
  if (process.env.FAILS) misses.forEach(line => console.log(line));
}

main();
