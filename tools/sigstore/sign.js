// Independent signer for the signing tests: @sigstore/sign's MessageSignatureBundleBuilder makes a Sigstore bundle for a
// file with a plain ECDSA P-256 key (offline: a signer callback around node's crypto, no Fulcio, no transparency log).
//   node sign.js <private key PEM path> <artifact path> [hint]   -> the bundle JSON on stdout
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { MessageSignatureBundleBuilder } = require('@sigstore/sign');

async function main() {
  const [keyPath, artifactPath, hint] = process.argv.slice(2);
  const privateKey = crypto.createPrivateKey(fs.readFileSync(keyPath, 'utf8'));
  const publicKey = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  const signer = {
    async sign(data) {
      return {
        signature: crypto.sign('sha256', data, privateKey),
        key: { $case: 'publicKey', publicKey, hint: hint || '' },
      };
    },
  };
  const builder = new MessageSignatureBundleBuilder({ signer, witnesses: [] });
  const bundle = await builder.create({ data: fs.readFileSync(artifactPath) });
  const { bundleToJSON } = require('@sigstore/bundle');
  process.stdout.write(JSON.stringify(bundleToJSON(bundle)));
}
main().catch((e) => { console.error(e); process.exit(1); });
