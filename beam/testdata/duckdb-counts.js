// Reads the Parquet tables of a reprint-beam output directory with DuckDB
// (@duckdb/node-api, installed under the directory $REPRINT_DUCKDB) and
// prints, as one JSON object, what the Go test checks against report.json.
// Usage: node duckdb-counts.js DIR
const { createRequire } = require('node:module');
const path = require('node:path');
const req = createRequire(path.join(process.env.REPRINT_DUCKDB, 'package.json'));
const { DuckDBInstance } = req('@duckdb/node-api');

async function main() {
  const dir = process.argv[2];
  const t = (name) => `read_parquet('${path.join(dir, name, '*.parquet')}')`;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const one = async (sql) => {
    const r = await conn.runAndReadAll(sql);
    return r.getRowObjectsJson()[0];
  };
  const out = {
    documents: await one(`SELECT count(*) AS n, sum(words) AS words FROM ${t('documents')}`),
    doc_pairs: await one(`SELECT count(*) AS n, count(source) AS sourced FROM ${t('doc_pairs')}`),
    matches: await one(`SELECT count(*) AS n, sum(words) AS words FROM ${t('matches')}`),
    clusters: await one(`SELECT count(*) AS passages, count(DISTINCT cluster) AS n FROM ${t('clusters')}`),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
