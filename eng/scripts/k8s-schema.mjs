#!/usr/bin/env node
// Generates rules/kubernetes/schema.json, the Kubernetes object schemas the chart checks validate rendered manifests
// against (src/Gatehouse.Analysis/Charts/Schema/, docs/engine.md "Kubernetes schema validation"), from the npm package
// kubernetes-models (installed into tools/helm by eng/scripts/helm.sh). Run by hand when that package is upgraded; the
// output is committed (data, not code), so the engine never needs node.
//
// kubernetes-models ships no raw JSON schemas: only ajv-compiled validators (_schemas/*.js) and TypeScript declarations
// (<group>/<version>/<Kind>.d.ts). The declarations give every definition's properties, which are required (no `?`), and
// their shapes (refs, Array<T>, maps, string-literal enums, Quantity and IntOrString aliases); they say `number` for both
// integers and floats, so each numeric property is probed with the compiled validator (1.5 is a type error for an integer).
//
//   usage: node eng/scripts/k8s-schema.mjs [tools/helm/node_modules] > rules/kubernetes/schema.json
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = resolve(process.argv[2] ?? join(root, "tools/helm/node_modules"));
const packages = [join(modules, "kubernetes-models"), join(modules, "@kubernetes-models/apimachinery")];
const version = JSON.parse(readFileSync(join(packages[0], "package.json"), "utf8")).version;

// Every declaration file but the index and _schemas ones.
function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { if (name !== "_schemas" && name !== "node_modules") walk(path, out); }
    else if (name.endsWith(".d.ts") && name !== "index.d.ts") out.push(path);
  }
  return out;
}

const definitions = new Map(); // id -> { props: [[name, tsType, required]], alias?: tsType, file, pkg }
const kinds = new Map();       // "apiVersion kind" -> id
for (const pkg of packages) {
  for (const file of walk(pkg, [])) {
    const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const exported = /export type \{ (\w+) as I(IoK8s\w+), \w+ as IoK8s\w+ \};/.exec(text);
    if (!exported) continue;
    const [, local, id] = exported;
    const alias = new RegExp(`export type ${local} = ([^;]+);`).exec(text);
    if (alias) { definitions.set(id, { alias: alias[1].trim(), pkg }); continue; }
    const start = new RegExp(`export interface ${local}( extends TypeMeta)? \\{\\n`).exec(text);
    if (!start) throw new Error(`${file}: no interface ${local}`);
    const body = text.slice(start.index + start[0].length, text.indexOf("\n}", start.index));
    const props = parseProps(body, file).map(([n, t, r]) => [n, t.replace(new RegExp(`\\b${local}\\b`, "g"), `I${id}`), r]);
    definitions.set(id, { props, pkg });
    if (start[1]) {
      const api = props.find(p => p[0] === "apiVersion")?.[1], kind = props.find(p => p[0] === "kind")?.[1];
      if (!/^"[^"]+"$/.test(api ?? "") || !/^"[^"]+"$/.test(kind ?? "")) throw new Error(`${file}: TypeMeta without literals`);
      kinds.set(`${JSON.parse(api)} ${JSON.parse(kind)}`, id);
    }
  }
}

// `"name"?: type;` at brace depth 0, a type running to the `;` outside braces and angle brackets.
function parseProps(body, file) {
  const props = [];
  let i = 0;
  while (true) {
    const m = /"([^"]+)"(\??): /y;
    while (i < body.length && /\s/.test(body[i])) i++;
    if (i >= body.length) return props;
    m.lastIndex = i;
    const hit = m.exec(body);
    if (!hit) throw new Error(`${file}: cannot read a property at ${JSON.stringify(body.slice(i, i + 60))}`);
    i = m.lastIndex;
    let depth = 0, j = i;
    for (; j < body.length; j++) {
      const c = body[j];
      if (c === "{" || c === "<") depth++;
      else if (c === "}" || c === ">") depth--;
      else if (c === ";" && depth === 0) break;
    }
    props.push([hit[1], body.slice(i, j).replace(/\s+/g, " ").trim(), hit[2] !== "?"]);
    i = j + 1;
  }
}

// The compact type grammar of schema.json: string, bytes (base64), integer, number, boolean, any, int-or-string, quantity, #Def (an
// object definition), []T (a list), {}T (a map of string to T), enum:A|B (a string out of a list).
function convert(ts, where) {
  ts = ts.trim();
  let m;
  if ((m = /^Array<(.+)>$/.exec(ts))) return "[]" + convert(m[1], where);
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(ts))) return "{}" + convert(m[1], where);
  if ((m = /^\{ (".+) \}$/.exec(ts))) {
    // An inline object (a PersistentVolumeClaim template, whose apiVersion and kind are optional): a definition of its own.
    const id = where.replace(/\./g, "_");
    definitions.set(id, { props: parseProps(m[1], where), pkg: null });
    return "#" + id;
  }
  if (ts === "string" || ts === "boolean" || ts === "number") return ts;
  if (ts === "number | string" || ts === "string | number") return "int-or-string";
  if (/^"[^"]*"( \| "[^"]*")*$/.test(ts)) {
    const values = ts.split(" | ").map(v => JSON.parse(v));
    return values.length === 1 && (where.endsWith(".apiVersion") || where.endsWith(".kind")) ? "string" : "enum:" + values.join("|");
  }
  if ((m = /^I(IoK8s\w+)$/.exec(ts))) {
    const target = definitions.get(m[1]);
    if (!target) throw new Error(`${where}: unknown reference ${ts}`);
    if (m[1] === "IoK8sApimachineryPkgApiResourceQuantity") return "quantity";
    if (m[1] === "IoK8sApimachineryPkgUtilIntstrIntOrString") return "int-or-string";
    if (target.alias) return convert(target.alias, where);
    if (target.props.length === 0) return "any"; // RawExtension, JSON, FieldsV1, JSONSchemaPropsOrBool: free-form
    return "#" + m[1];
  }
  throw new Error(`${where}: cannot convert type ${ts}`);
}

// Keep what the kinds reach.
const out = {};
const queue = [...kinds.values()];
while (queue.length) {
  const id = queue.pop();
  if (out[id]) continue;
  const def = definitions.get(id);
  const properties = {};
  for (const [name, ts] of def.props) {
    const t = convert(ts, `${id}.${name}`);
    properties[name] = t;
    const ref = /#([\w]+)$/.exec(t);
    if (ref) queue.push(ref[1]);
  }
  out[id] = { required: def.props.filter(p => p[2]).map(p => p[0]), properties };
}

// Probe with the compiled validator what the declarations do not say: whether a number is an integer (1.5 fails its type
// check) and whether a string is base64 bytes (a Secret's data: "%" fails its "byte" format).
for (const [id, def] of Object.entries(out)) {
  const probed = Object.entries(def.properties).filter(([, t]) => /^(\[\]|\{\})*(number|string)$/.test(t));
  if (!probed.length) continue;
  const pkg = definitions.get(id).pkg;
  if (!pkg) {
    if (probed.some(([, t]) => t.endsWith("number"))) throw new Error(`${id}: an inline object with numbers cannot be probed`);
    continue;
  }
  const { validate } = await import(pathToFileURL(join(pkg, "_schemas", id + ".js")).href);
  for (const [name, t] of probed) {
    const number = t.endsWith("number");
    const wrap = s => s.startsWith("[]") ? [wrap(s.slice(2))] : s.startsWith("{}") ? { k: wrap(s.slice(2)) } : number ? 1.5 : "%";
    validate({ [name]: wrap(t) });
    const errors = (validate.errors ?? []).filter(e => e.instancePath.startsWith(`/${name}`));
    if (number && errors.some(e => e.keyword === "type" && e.params.type === "integer")) def.properties[name] = t.replace(/number$/, "integer");
    if (!number && errors.some(e => e.keyword === "format" && e.params.format === "byte")) def.properties[name] = t.replace(/string$/, "bytes");
  }
}

// One definition per line, sorted, so a regeneration diffs readably.
const ids = Object.keys(out).sort();
const kindKeys = [...kinds.keys()].sort();
const lines = [
  "{",
  `  "source": ${JSON.stringify(`npm kubernetes-models ${version} (TypeScript declarations, integers probed with its validators), by eng/scripts/k8s-schema.mjs`)},`,
  // kubernetes-models follows Kubernetes' development branch: it has every 1.35 API and alpha fields of the next release
  // (PodSpec.schedulingGroup), which a cluster without the feature gate drops.
  `  "kubernetes": ">=1.35 (with alpha fields of the next release, e.g. PodSpec.schedulingGroup)",`,
  `  "kinds": {`,
  ...kindKeys.map((k, n) => `    ${JSON.stringify(k)}: ${JSON.stringify(kinds.get(k))}${n < kindKeys.length - 1 ? "," : ""}`),
  "  },",
  `  "definitions": {`,
  ...ids.map((id, n) => `    ${JSON.stringify(id)}: ${JSON.stringify(out[id])}${n < ids.length - 1 ? "," : ""}`),
  "  }",
  "}",
];
process.stdout.write(lines.join("\n") + "\n");
