// Independent verifier for the signing tests: @sigstore/verify checks Sigstore bundles offline with a public key
// (empty trusted root, no transparency log, thresholds 0). Reads a JSON array of cases on stdin:
//   [{ "bundle": "<path>", "artifact": "<path>", "key": "<path of PEM>" }, ...]
// and prints one line per case: "OK" or "FAIL <error code> <message>".
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
for (const c of cases) {
  try {
    const pem = fs.readFileSync(c.key, 'utf8');
    const trust = toTrustMaterial(
      { tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] },
      (hint) => ({ publicKey: crypto.createPublicKey(pem), validFor: () => true }));
    const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(c.bundle, 'utf8')));
    const artifact = c.artifact ? fs.readFileSync(c.artifact) : undefined;
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundle, artifact));
    console.log('OK');
  } catch (e) {
    console.log(`FAIL ${e.code || e.name} ${String(e.message).replace(/\s+/g, ' ')}`);
  }
}
