// A sink for calfbot's outgoing Telegram calls under load
// (tests/bench/webhook_load): answers every request as the Bot API accepts
// a sendMessage, and counts them. Unlike tests/adapters/platforms/fake_platform_api
// it keeps nothing but counts and serves connections in parallel.
// Usage: node fake_telegram_api.js
//   prints "port N" once listening on 127.0.0.1; on SIGTERM or SIGINT
//   prints "requests N sendMessage N answerCallbackQuery N" and exits.
'use strict';
const http = require('http');

const counts = { requests: 0, sendMessage: 0, answerCallbackQuery: 0 };
const server = http.createServer((req, res) => {
  req.resume();  // the body is not needed
  req.on('end', () => {
    counts.requests++;
    const method = req.url.slice(req.url.lastIndexOf('/') + 1);
    if (method in counts) counts[method]++;
    const body = JSON.stringify({ ok: true, result: { message_id: counts.requests } });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});

function stop() {
  process.stdout.write(`requests ${counts.requests} sendMessage ${counts.sendMessage}` +
                       ` answerCallbackQuery ${counts.answerCallbackQuery}\n`);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
