// usage: node validate-cyclonedx.js DOCUMENT.json...
// Validates CycloneDX 1.6 JSON documents against the official schema shipped in @cyclonedx/cyclonedx-library
// (bom-1.6 with the SPDX licence, JSF signature and cryptography schemas it references), set up the way that library's
// own JSON validator sets up ajv. One process for several documents keeps the test fast.
// Exit 0 when every document is valid; 1 with each invalid document's errors on stderr; 2 on usage or I/O errors.
'use strict';
const fs = require('fs');
const path = require('path');
const docs = process.argv.slice(2);
if (docs.length === 0) { console.error('usage: node validate-cyclonedx.js DOCUMENT.json...'); process.exit(2); }
const res = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const load = f => JSON.parse(fs.readFileSync(path.join(res, f), 'utf8'));
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const ajv = new Ajv({
  useDefaults: false, strict: false, strictSchema: false, addUsedSchema: false,
  loadSchema: uri => { throw new Error(`remote schemas are disabled: ${uri}`); },
  schemas: {
    'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': load('spdx.SNAPSHOT.schema.json'),
    'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': load('cryptography-defs.SNAPSHOT.schema.json'),
    'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': load('jsf-0.82.SNAPSHOT.schema.json'),
  },
});
addFormats(ajv);
// As the library does: no working validator exists for "iri-reference"; Gatehouse writes no e-mail addresses ("idn-email").
ajv.addFormat('iri-reference', true);
ajv.addFormat('idn-email', true);
const validate = ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
let failed = 0;
for (const file of docs) {
  let doc;
  try { doc = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { console.error(`${file}: ${e}`); process.exit(2); }
  if (validate(doc)) { console.log(`${file}: valid`); continue; }
  failed++;
  console.error(`${file}: ${JSON.stringify(validate.errors, null, 2)}`);
}
process.exit(failed === 0 ? 0 : 1);
