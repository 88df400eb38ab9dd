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
//
//   node wsclient.js --serve
// runs such clients for a whole suite, at once if asked, without a
// process each (Node.js takes a quarter of a second of processor time to
// start): each line of standard input names a request file, PATH, that
// holds the timeout in milliseconds, the authority's file (or nothing),
// the URL and the steps, each ended by a NUL byte.  When the client is
// done, its events are in PATH.out, then its status in PATH.status.
'use strict';

const fs = require('fs');
const WebSocket = require('ws');

// session(URL, STEPS, TIMEOUT, CA, OUT, END): one client, its events
// given to OUT a line at a time, its status to END once.
function session(url, steps, timeout, ca, out, end) {
	let received = 0;
	const seen = [];
	let done = false;
	let waiting = null;
	let ws = null;

	function finish(status) {
		if (done)
			return;
		done = true;
		clearTimeout(timer);
		// What the session leaves open ends with it, as with the
		// process of a client of its own.
		if (ws !== null)
			ws.terminate();
		end(status);
	}

	const timer = setTimeout(() => {
		out('timeout');
		finish(1);
	}, timeout);

	// A bad URL or authority file throws here: the caller answers it,
	// and the timer must not end the session a second time.
	try {
		const opts = {};
		if (ca)
			opts.ca = fs.readFileSync(ca);
		ws = new WebSocket(url, opts);
	} catch (e) {
		done = true;
		clearTimeout(timer);
		throw e;
	}

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
}

if (process.argv[2] === '--serve') {
	const rl = require('readline').createInterface({ input: process.stdin });
	rl.on('line', (path) => {
		const f = fs.readFileSync(path, 'utf8').split('\0');
		f.pop();
		const [timeout, ca, url, ...steps] = f;
		const lines = [];
		const end = (st) => {
			fs.writeFileSync(path + '.out', lines.map((l) =>
			    l + '\n').join(''));
			fs.writeFileSync(path + '.st', String(st));
			fs.renameSync(path + '.st', path + '.status');
		};
		// A request that cannot start (a bad URL, no authority file)
		// is answered as a client of its own would end: the others go
		// on.
		try {
			session(url, steps, Number(timeout), ca,
			    (line) => lines.push(line), end);
		} catch (e) {
			lines.push('error ' + e.message);
			end(1);
		}
	});
} else {
	session(process.argv[2], process.argv.slice(3),
	    Number(process.env.WSCLIENT_TIMEOUT || 5000),
	    process.env.WSCLIENT_CA,
	    (line) => process.stdout.write(line + '\n'), (status) => {
		process.exitCode = status;
		setImmediate(() => process.exit(status));
	});
}
