// A WebSocket client made with the ws library (npm's "ws", Debian's
// node-ws), for tests/t-real-clients.sh: a client that nobody here wrote
// the protocol of.  Usage:
//   node wsclient.js URL STEP...
// Steps, in order, once the upgrade is through: "t:TEXT" sends a text
// message, "b:TEXT" a binary one, "r:N" waits until N messages have come
// in all, "w:TEXT" until a message holding TEXT has come, "close" sends
// a close frame (1000) and waits for the answer, "drop" ends the TCP
// connection without one, as a browser's tab that is closed may.
// Every event is one line on standard output: "open", "text DATA",
// "binary DATA", "close CODE", "http STATUS" (an answer that is not an
// upgrade), "error MESSAGE"; the status is 0 when every step was done
// and the connection closed, 1 otherwise.  The whole run is bounded by
// WSCLIENT_TIMEOUT milliseconds (5000 by default): then "timeout".
// WSCLIENT_CA names the PEM file of the authority that signed a wss://
// server's certificate.
'use strict';

const fs = require('fs');
const WebSocket = require('ws');

const url = process.argv[2];
const steps = process.argv.slice(3);
let received = 0;
const seen = [];
let done = false;
let waiting = null;

function out(line) {
	process.stdout.write(line + '\n');
}

function finish(status) {
	if (done)
		return;
	done = true;
	process.exitCode = status;
	clearTimeout(timer);
	setImmediate(() => process.exit(status));
}

const timer = setTimeout(() => {
	out('timeout');
	finish(1);
}, Number(process.env.WSCLIENT_TIMEOUT || 5000));

const opts = {};
if (process.env.WSCLIENT_CA)
	opts.ca = fs.readFileSync(process.env.WSCLIENT_CA);
const ws = new WebSocket(url, opts);

function next() {
	while (steps.length > 0) {
		const s = steps[0];
		if (s.startsWith('t:')) {
			ws.send(s.slice(2));
		} else if (s.startsWith('b:')) {
			ws.send(Buffer.from(s.slice(2)), { binary: true });
		} else if (s.startsWith('r:')) {
			if (received < Number(s.slice(2))) {
				waiting = next;
				return;
			}
		} else if (s.startsWith('w:')) {
			if (!seen.some((m) => m.includes(s.slice(2)))) {
				waiting = next;
				return;
			}
		} else if (s === 'close') {
			steps.shift();
			ws.close(1000);
			return;
		} else if (s === 'drop') {
			steps.shift();
			out('dropped');
			ws.terminate();
			finish(0);
			return;
		}
		steps.shift();
	}
}

ws.on('open', () => {
	out('open');
	next();
});
ws.on('message', (data, isBinary) => {
	received++;
	seen.push(data.toString());
	out((isBinary ? 'binary ' : 'text ') + data.toString());
	if (waiting) {
		waiting = null;
		next();
	}
});
ws.on('unexpected-response', (req, res) => {
	out('http ' + res.statusCode);
	res.resume();
	req.destroy();
	finish(1);
});
ws.on('close', (code) => {
	out('close ' + code);
	finish(steps.length === 0 ? 0 : 1);
});
ws.on('error', (e) => {
	out('error ' + e.message);
	finish(1);
});
