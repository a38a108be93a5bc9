// Prints the X-Twilio-Signature Twilio would send, computed by Twilio's own
// helper library (not by calfbot's code), and checks it with validateRequest.
// Usage: node twilio_sign.js REQUEST.json
//   REQUEST.json: {"authToken": "...", "url": "https://...", "params": {"From": "+44...", ...}}
'use strict';
const fs = require('fs');
const twilio = require('twilio');

const req = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const signature = twilio.getExpectedTwilioSignature(req.authToken, req.url, req.params);
if (!twilio.validateRequest(req.authToken, signature, req.url, req.params)) {
  console.error('twilio.validateRequest rejected its own signature');
  process.exit(1);
}
process.stdout.write(signature + '\n');
