// usage: node validate.js SCHEMA.json DOCUMENT.json
// Exit 0 when DOCUMENT is valid; 1 with the errors on stderr when not; 2 on usage or I/O errors.
'use strict';
const fs = require('fs');
const [schemaPath, docPath] = process.argv.slice(2);
if (!schemaPath || !docPath) { console.error('usage: node validate.js SCHEMA.json DOCUMENT.json'); process.exit(2); }
let schema, doc;
try {
  schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));
} catch (e) { console.error(String(e)); process.exit(2); }
const draft04 = String(schema.$schema || '').includes('draft-04');
const Ajv = draft04 ? require('ajv-draft-04') : require('ajv');
const addFormats = require('ajv-formats');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
if (validate(doc)) { console.log('valid'); process.exit(0); }
console.error(JSON.stringify(validate.errors, null, 2));
process.exit(1);
