// WebSocket conformance peer for tests/t-ws-conformance.sh made with the
// ws library (npm's "ws", Debian's node-ws), as a client or a server:
//   node wsconf.js client URL KIND [ARG]
//   node wsconf.js server KIND [ARG]      (prints "PORT n" first)
// KIND says what it does once the upgrade is through (see run()); a KIND
// starting "nz-" turns permessage-deflate off, otherwise it is offered
// (client) or accepted (server).  Every fact is one line on standard
// output; the whole run is bounded by WSCONF_TIMEOUT milliseconds
// (60000 by default): then "timeout".
'use strict';

const WebSocket = require('ws');

const side = process.argv[2];
let args = process.argv.slice(3);
const url = side === 'client' ? args.shift() : null;
let kind = args[0];
const arg = args[1] || '';
const deflate = !kind.startsWith('nz-');
if (!deflate)
	kind = kind.slice(3);

function out(line) {
	process.stdout.write(line + '\n');
}

const timer = setTimeout(() => {
	out('timeout');
	process.exit(1);
}, Number(process.env.WSCONF_TIMEOUT || 60000));

// n bytes of UTF-8 text, not all ASCII, that compress.
function textOf(n) {
	const words = ['alpha ', 'beta ', 'gamma ', '\u00e9psilon ',
	    '\u2603 '];
	const parts = [];
	let size = 0, seed = 1;
	while (size < n) {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		const w = words[seed % words.length];
		parts.push(w);
		size += Buffer.byteLength(w);
	}
	let b = Buffer.from(parts.join('')).subarray(0, n);
	// Never a character cut in two at the end.
	while (b.length > 0 && (b[b.length - 1] & 0xc0) === 0x80)
		b = b.subarray(0, b.length - 1);
	if (b.length > 0 && b[b.length - 1] >= 0xc0)
		b = b.subarray(0, b.length - 1);
	return b.toString();
}

// The next message, as a promise.
function next(ws) {
	return new Promise((resolve) => ws.once('message',
	    (data, isBinary) => resolve({ data, isBinary })));
}

async function run(ws) {
	out('extensions ' + (ws.extensions || 'none'));
	ws.on('close', (code, reason) => {
		out('closed ' + code + ' ' + reason.toString());
		clearTimeout(timer);
		setImmediate(() => process.exit(0));
	});
	ws.on('error', (e) => out('error ' + e.message));
	if (kind === 'sizes') {
		for (const n of arg.split(',').map(Number)) {
			const t = 'y'.repeat(n);
			const p = next(ws);
			ws.send(t);
			const m = await p;
			out('size ' + n + ' ' + (!m.isBinary &&
			    m.data.toString() === t ? 'ok' : 'BAD ' + m.data.length));
		}
		ws.close(1000);
	} else if (kind === 'bigtext') {
		const t = textOf(Number(arg));
		const p = next(ws);
		ws.send(t);
		const m = await p;
		out('bigtext ' + (m.data.toString() === t ? 'exact' :
		    'differs ' + m.data.length));
		ws.close(1000);
	} else if (kind === 'ping') {
		for (const n of [0, 1, 125]) {
			const p = new Promise((resolve) => ws.once('pong', resolve));
			ws.ping(Buffer.alloc(n, 0x41 + n % 26));
			const d = await p;
			out('pong ' + d.length + (d.equals(Buffer.alloc(n,
			    0x41 + n % 26)) ? ' same' : ' differs'));
		}
		ws.close(1000);
	} else if (kind === 'frag') {
		// One message in three frames, a ping between two of them.
		const p = next(ws);
		ws.send('fr\u00e9', { fin: false });
		ws.ping('between');
		ws.send('gm', { fin: false });
		ws.send('ent\u00e9', { fin: true });
		const m = await p;
		out('got ' + m.data.toString());
		ws.close(1000);
	} else if (kind === 'close') {
		const [code, reason] = arg.split(':');
		ws.close(Number(code), reason || '');
	} else if (kind === 'echo') {
		// ARG messages (all, without one), then a close.
		let n = 0;
		ws.on('message', (data, isBinary) => {
			ws.send(data, { binary: isBinary });
			if (++n === Number(arg))
				ws.close(1000);
		});
	}
}

if (side === 'client') {
	const ws = new WebSocket(url, { perMessageDeflate: deflate,
	    maxPayload: 0 });
	ws.on('open', () => run(ws));
	ws.on('unexpected-response', (req, res) => {
		out('http ' + res.statusCode);
		process.exit(1);
	});
	ws.on('error', (e) => out('error ' + e.message));
} else {
	const srv = new WebSocket.Server({ host: '127.0.0.1', port: 0,
	    perMessageDeflate: deflate, maxPayload: 0 });
	srv.on('listening', () => out('PORT ' + srv.address().port));
	srv.on('connection', (ws) => {
		srv.close();
		run(ws);
	});
}
