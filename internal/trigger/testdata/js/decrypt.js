// Reads {"key": base64, "keyName": string, "code": base64} lines on stdin
// and writes {"plaintext": string, "context": {...}} or {"error": string}
// lines: each code decrypted as a custom sender function would, with the
// AWS Encryption SDK and a raw AES keyring in cirro's key namespace.
'use strict';
const readline = require('readline');
const { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } = require('@aws-crypto/client-node');

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const req = JSON.parse(line);
  try {
    const keyring = new RawAesKeyringNode({
      keyName: req.keyName,
      keyNamespace: 'cirro',
      unencryptedMasterKey: new Uint8Array(Buffer.from(req.key, 'base64')),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const { plaintext, messageHeader } = await decrypt(keyring, Buffer.from(req.code, 'base64'));
    process.stdout.write(JSON.stringify({ plaintext: plaintext.toString('utf8'), context: messageHeader.encryptionContext, suite: messageHeader.suiteId }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.message || e) }) + '\n');
  }
});
