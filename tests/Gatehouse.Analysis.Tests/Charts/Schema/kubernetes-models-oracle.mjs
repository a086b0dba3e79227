// The oracle of KubernetesModelsOracleTests: validates each object of a corpus with the npm package kubernetes-models
// (its ajv-compiled validators) and prints, per object, the places it finds a type or required-field problem, as
// [JSON pointer, "type" | "required"] pairs, so the test can compare them with Gatehouse's schema validation.
// kubernetes-models does not check unknown fields, so those are Gatehouse's alone and not compared.
//   usage: node kubernetes-models-oracle.mjs <node_modules dir> < corpus.json > verdicts.json
//   corpus: [{"apiVersion": "apps/v1", "kind": "Deployment", "body": {...}}, ...]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
const corpus = JSON.parse(readFileSync(0, "utf8"));
const cache = new Map();

async function modelOf(apiVersion, kind) {
  if (!cache.has(apiVersion)) cache.set(apiVersion, await import(pathToFileURL(join(modules, "kubernetes-models", apiVersion, "index.js")).href));
  const model = cache.get(apiVersion)[kind];
  if (!model) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return model;
}

function at(body, pointer) {
  let node = body;
  for (const part of pointer.split("/").slice(1)) node = node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return node;
}

const out = [];
for (const { apiVersion, kind, body } of corpus) {
  const Model = await modelOf(apiVersion, kind);
  const found = new Set();
  try {
    new Model(body).validate();
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    for (const err of e.errors) {
      if (err.keyword === "required") { found.add(`${err.instancePath}/${err.params.missingProperty}\trequired`); continue; }
      if (err.keyword === "format" && err.params.format === "byte") { found.add(`${err.instancePath}\ttype`); continue; }
      if (err.keyword === "format") continue; // int32 ranges, date-time: not compared (a quantity's format fails its oneOf too)
      const value = at(body, err.instancePath);
      // ajv allows null only for optional fields: a null it refuses is a required field rendered as null.
      if (err.keyword === "type" || err.keyword === "oneOf") found.add(`${err.instancePath}\t${value === null ? "required" : "type"}`);
      else if (err.keyword === "enum") { if (value !== null) found.add(`${err.instancePath}\ttype`); }
      else found.add(`${err.instancePath}\tother:${err.keyword}`);
    }
  }
  out.push([...found].sort().map(s => s.split("\t")));
}
process.stdout.write(JSON.stringify(out));
