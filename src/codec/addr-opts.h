/*
 * Every option an address may carry: one row each, read by the codec
 * (addr-opt.c: its names and what its value must be) and by the side
 * layer (side.c: what the option sets).  Included where OPT() says what a row
 * becomes; no include guard.
 *
 *   OPT(NAME, IS, TYPE, NEEDS, SET)
 *
 * NAME is how it is written (any case), then its aliases (socat's names
 * among them), space-separated; IS the name the side reads it by.  TYPE
 * is what its value must be (AO_*).  NEEDS is what the side must be for
 * the option to mean anything (the N_* of addr-int.h: a terminal, a
 * socket, TCP, TLS, a file, a program, ...): given to an address that
 * cannot be that, it is refused in one line; one that may be (a file that
 * may be a terminal) is checked when it is opened (end.c).  SET is what
 * the option does to the side: F(MEMBER, HOW), its value stored in that
 * member of struct side as HOW says (side.c); S(FUNCTION), given to that
 * function of side.c; R, read where it is used (the address's grammar, or
 * another option's function); A, an alias whose NEEDS are its own (its
 * row by IS says); T and TV, a change of a terminal's modes (below).
 *
 * An option the command line spells too is one row all the same: a macro
 * OPT_IS(X) that calls X with the five columns, then the command line's
 * row (struct optdef's initializers, front.h).  It is called here with
 * OPTCL, which the codec and the side read as OPT; front/opttab.c calls
 * it again with OPTCLI at its place in --help.
 */
/* SPDX-License-Identifier: ISC */

/* TLS */
#define OPT_VERIFY(X)							\
	X("verify openssl-verify", "verify",				\
	AO_BOOL, N_TLS, S(side_opt_verify),				\
	.name = "ssl-verify", .group = OPTG_PROXY, .topic = OPTT_TLS,	\
	.kind = OPTK_FLAG, FIELD(side.tls.verify), .also = OPTA_SSL,	\
	.line = "verify the peer (against FILE's CAs)",			\
	.help = "verify the peer's certificate and name")
OPT_VERIFY(OPTCL)
#define OPT_SNI(X)							\
	X("sni snihost openssl-snihost", "sni",				\
	AO_TEXT, N_TLS_DIAL, F(tls.servername, TEXT),			\
	.name = "ssl-servername", .arg = "NAME", .group = OPTG_PROXY,	\
	.topic = OPTT_TLS, .kind = OPTK_STRING, .also = OPTA_SSL,	\
	.comp = OPTC_HOST, .line = "SNI to send and check; ALPN",	\
	.help = "server name to send (SNI) and check")
OPT_SNI(OPTCL)
OPT("commonname cn openssl-commonname",
			"commonname",	AO_TEXT,  N_TLS,	F(tls.checkname, TEXT))
#define OPT_CAFILE(X)							\
	X("cafile openssl-cafile", "cafile",				\
	AO_TEXT, N_TLS, F(tls.trustfile, TEXT),				\
	.name = "ssl-trustfile", .arg = "FILE", .group = OPTG_PROXY,	\
	.topic = OPTT_TLS, .kind = OPTK_STRING, .also = OPTA_SSL,	\
	.comp = OPTC_FILE, .joins = 1,					\
	.help = "PEM certificates to trust")
OPT_CAFILE(OPTCL)
OPT("capath openssl-capath",
			"capath",	AO_TEXT,  N_TLS,	S(side_opt_capath))
#define OPT_CERT(X)							\
	X("cert certificate openssl-certificate", "cert",		\
	AO_TEXT, N_TLS, F(tls.cert, TEXT),				\
	.name = "ssl-cert", .arg = "FILE", .group = OPTG_PROXY,		\
	.topic = OPTT_TLS, .kind = OPTK_STRING, .also = OPTA_SSL,	\
	.comp = OPTC_FILE,						\
	.line = "PEM certificate and key (-l makes one)",		\
	.help = "PEM certificate (a listener makes one if none)")
OPT_CERT(OPTCL)
#define OPT_KEY(X)							\
	X("key openssl-key", "key",					\
	AO_TEXT, N_TLS, F(tls.key, TEXT),				\
	.name = "ssl-key", .arg = "FILE", .group = OPTG_PROXY,		\
	.topic = OPTT_TLS, .kind = OPTK_STRING, .also = OPTA_SSL,	\
	.comp = OPTC_FILE, .joins = 1,					\
	.help = "PEM private key of --ssl-cert")
OPT_KEY(OPTCL)
#define OPT_SECRET(X)							\
	X("secret", "secret",						\
	AO_SECRET, N_PSK, S(side_opt_secret),				\
	.name = "secret", .arg = "CODE",				\
	.has_arg = optional_argument, .group = OPTG_PROXY,		\
	.set = opt_secret, FIELD(side.tls.secret), .topic = OPTT_TLS,	\
	.also = OPTA_SSL, .hide = OPTH_ALL,				\
	.line = "TLS 1.3 keyed by a code",				\
	.help = "TLS 1.3 keyed by a shared code, no certificate")
OPT_SECRET(OPTCL)
#define OPT_MIN_VERSION(X)						\
	X("min-version openssl-min-proto-version", "min-version",	\
	AO_TLSVER, N_TLS_STREAM, F(tls.min_version, TLSVER),		\
	.name = "ssl-min-version", .arg = "VERSION",			\
	.group = OPTG_PROXY, .topic = OPTT_TLS, .kind = OPTK_WORD,	\
	.lo = 10, .what = "ssl-min-version", .also = OPTA_SSL,		\
	.comp = OPTC_WORDS, .words = "1.0 1.1 1.2 1.3",			\
	.line = "TLS 1.0 to 1.3",					\
	.help = "the oldest TLS version allowed (1.2)")
OPT_MIN_VERSION(OPTCL)
#define OPT_MAX_VERSION(X)						\
	X("max-version openssl-max-proto-version", "max-version",	\
	AO_TLSVER, N_TLS_STREAM, F(tls.max_version, TLSVER),		\
	.name = "ssl-max-version", .arg = "VERSION",			\
	.group = OPTG_PROXY, .topic = OPTT_TLS, .kind = OPTK_WORD,	\
	.lo = 10, .what = "ssl-max-version", .also = OPTA_SSL,		\
	.comp = OPTC_WORDS, .words = "1.0 1.1 1.2 1.3", .joins = 1,	\
	.help = "the newest TLS version allowed (1.3)")
OPT_MAX_VERSION(OPTCL)
#define OPT_CIPHERS(X)							\
	X("ciphers cipher cipherlist openssl-cipherlist", "ciphers",	\
	AO_TEXT, N_TLS, F(tls.ciphers, TEXT),				\
	.name = "ssl-ciphers", .arg = "LIST", .group = OPTG_PROXY,	\
	.topic = OPTT_TLS, .kind = OPTK_STRING, .also = OPTA_SSL,	\
	.line = "OpenSSL ciphers; TLS 1.0, 1.1 (warned)",		\
	.help = "OpenSSL cipher list")
OPT_CIPHERS(OPTCL)
OPT("compress openssl-compress",
			"compress",	AO_COMPRESS, N_TLS,	R)

/* Proxies */
#define OPT_PROXY(X)							\
	X("proxy", "proxy",						\
	AO_HOSTPORT, N_PROXY, S(side_opt_proxy),			\
	.letter = 'x', .name = "proxy",					\
	.arg = "PROXY_ADDRESS[:PORT]", .group = OPTG_PROXY,		\
	.set = opt_proxy, FIELD(side.proxy.host), .comp = OPTC_HOST,	\
	.topic = OPTT_CORE, .repeat = 1, .hide = OPTH_ADDRESS,		\
	.help = "via this proxy; repeat: a chain; or a URL")
OPT_PROXY(OPTCL)
OPT("proxyport",	"proxyport",	AO_PORT,  N_HTTP_PROXY,	R)
OPT("proxy-resolve resolve resolv",
			"proxy-resolve", AO_BOOL, N_HTTP_PROXY,	R)
OPT("proxyauth proxy-auth proxy-authorization",
			"proxyauth",	AO_USERPASS, N_HTTP_PROXY, R)
OPT("proxyauthfile proxy-authorization-file",
			"proxyauthfile", AO_TEXT, N_HTTP_PROXY,	R)
OPT("socksport",	"socksport",	AO_PORT,  N_SOCKS,	R)
OPT("socksuser",	"socksuser",	AO_TEXT,  N_SOCKS4,	R)

/* Files, and the names a side makes */
OPT("append o-append",	"append",	AO_BOOL,  N_FILE,	F(append, FLAG))
OPT("creat create o-creat o-create o_create",
			"creat",	AO_BOOL,  N_FILE,	R)
OPT("trunc o-trunc",	"trunc",	AO_BOOL,  N_FILE,	R)
OPT("excl o-excl o_excl",
			"excl",		AO_BOOL,  N_FILE,	R)
OPT("ftruncate ftruncate64 ftruncate32 truncate",
			"ftruncate",	AO_SIZE,  N_FILE,	F(local.ftruncate, SIZE))
OPT("seek seek-set lseek lseek64 lseek64-set lseek32 lseek32-set",
			"seek",		AO_OFFSET, N_FILE,	F(local.seek, OFFSET))
OPT("seek-end lseek64-end lseek32-end",
			"seek-end",	AO_OFFSET, N_FILE,	F(local.seek_end, OFFSET))
/* Files past 2 GiB: always so here (64-bit offsets). */
OPT("largefile o-largefile o_largefile",
			"largefile",	AO_BOOL,  N_FILE,	R)
OPT("fs-noatime ext2-noatime ext3-noatime",
			"fs-noatime",	AO_BOOL,  N_FILE,	F(local.fs_noatime, FLAG))
OPT("nonblock o-nonblock ndelay o-ndelay o_ndelay",
			"nonblock",	AO_BOOL,  N_FILE,	F(local.nonblock, FLAG))
OPT("mode perm",	"mode",		AO_OCTAL, N_PATH,	F(perm, OCTAL))
OPT("umask",		"umask",	AO_OCTAL, N_FILE | N_UNIX_LISTEN, F(local.umask, OCTAL))
OPT("user owner uid",
			"user",		AO_TEXT,  N_PATH,	F(local.user, TEXT))
OPT("group gid",
			"group",	AO_TEXT,  N_PATH,	F(local.group, TEXT))
/* A pty's terminal is set once it is open: socat's late ones are these. */
OPT("perm-late",	"mode",		AO_OCTAL, N_PTY,	A)
OPT("user-late uid-l",
			"user",		AO_TEXT,  N_PTY,	A)
OPT("group-late gid-l",
			"group",	AO_TEXT,  N_PTY,	A)
OPT("unlink-early new",
			"unlink-early",	AO_BOOL,  N_PATH | N_UNIX, F(unlink_early, FLAG))
OPT("unlink-close",	"unlink-close",	AO_BOOL,  N_FILE | N_UNIX, S(side_opt_unlink_close))
OPT("so-type socktype type",
			"so-type",	AO_NUMBER, N_UNIX,	S(side_opt_socktype))

/* What is read and written, of any side that is no socket */
OPT("ignoreeof ignoreof",
			"ignoreeof",	AO_BOOL,  N_READ,	F(local.ignoreeof, FLAG))
/* socat's locks on a file (side_opt_lock()): one at most. */
OPT("setlk f-setlk setlk-wr f-setlk-wr",
			"setlk",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("setlkw f-setlkw setlkw-wr f-setlkw-wr lock lockw",
			"setlkw",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("setlk-rd f-setlk-rd",
			"setlk-rd",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("setlkw-rd f-setlkw-rd",
			"setlkw-rd",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("flock flock-ex",	"flock-ex",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("flock-nb flock-ex-nb",
			"flock-ex-nb",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("flock-sh",		"flock-sh",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("flock-sh-nb",	"flock-sh-nb",	AO_BOOL,  N_READ,	S(side_opt_lock))
OPT("escape",		"escape",	AO_BYTE,  N_READ,	F(local.escape, BYTE))
OPT("o-noatime noatime",
			"noatime",	AO_BOOL,  N_READ,	F(local.noatime, FLAG))
/* A file read past the page cache, in whole blocks (reader_direct()). */
OPT("o-direct direct o_direct",
			"o-direct",	AO_BOOL,  N_FILE,	F(local.direct, FLAG))
OPT("cool-write coolwrite",
			"cool-write",	AO_BOOL,  N_ANY,	F(local.cool_write, FLAG))
OPT("crlf crnl",	"crlf",		AO_BOOL,  N_ANY,	F(crlf, FLAG))
OPT("setsid sid",	"setsid",	AO_BOOL,  N_READ | N_PROGRAM, F(local.setsid, FLAG))
/* socat's setpgid[=PGID]: a program's group, or (0) one of its own. */
OPT("setpgid pgid",	"setpgid",	AO_PGID,  N_PROGRAM,	F(local.pgid, INT))

/*
 * socat's READLINE (stdin and stdout, its lines edited: plain mode's
 * --readline): its history file, and what a line typed after the peer's
 * half line starts with.
 */
OPT("history history-file",
			"history",	AO_TEXT,  N_STDIO,	F(local.history, TEXT))
OPT("noprompt",		"noprompt",	AO_BOOL,  N_STDIO,	F(local.noprompt, FLAG))
OPT("prompt",		"prompt",	AO_TEXT,  N_STDIO,	F(local.prompt, TEXT))
OPT("noecho",		"noecho",	AO_TEXT,  N_STDIO,	F(local.noecho, TEXT))

/* A recording played */
OPT("speed",		"replay-speed",	AO_SECONDS, N_REPLAY,	F(replay_speed_text, TEXT))
OPT("side",		"replay-side",	AO_TEXT,  N_REPLAY,	F(replay_role, TEXT))

/* Programs */
OPT("pipes",		"pipes",	AO_BOOL,  N_PROGRAM,	R)
OPT("pty",		"pty",		AO_BOOL,  N_PROGRAM,	F(local.pty, FLAG))
OPT("stderr",		"stderr",	AO_BOOL,  N_PROGRAM,	F(local.stderr_out, FLAG))
OPT("login dash",
			"login",	AO_BOOL,  N_PROGRAM,	F(local.login, FLAG))
OPT("nofork",		"nofork",	AO_BOOL,  N_PROGRAM,	F(local.nofork, FLAG))
OPT("ctty tiocsctty",
			"ctty",		AO_BOOL,  N_PROGRAM,	R)
OPT("sigint",		"sigint",	AO_BOOL,  N_PROGRAM,	S(side_opt_signal))
OPT("sighup",		"sighup",	AO_BOOL,  N_PROGRAM,	S(side_opt_signal))
OPT("sigquit",		"sigquit",	AO_BOOL,  N_PROGRAM,	S(side_opt_signal))
OPT("path",		"path",		AO_TEXT,  N_PROGRAM,	F(local.search, TEXT))
OPT("fdin",		"fdin",		AO_NUMBER, N_PROGRAM,	S(side_opt_fd))
OPT("fdout",		"fdout",	AO_NUMBER, N_PROGRAM,	S(side_opt_fd))

/*
 * Who the process is and where: a listener's once its socket is bound
 * (sidepriv.c), a program's before its exec
 */
OPT("su substuser",	"su",		AO_TEXT,  N_LISTEN | N_PROGRAM, F(local.su, TEXT))
OPT("su-d substuser-delayed",
			"su-d",		AO_TEXT,  N_LISTEN | N_PROGRAM, F(local.su_d, TEXT))
OPT("setuid",		"setuid",	AO_TEXT,  N_LISTEN | N_PROGRAM, F(local.setuid, TEXT))
OPT("setgid",		"setgid",	AO_TEXT,  N_LISTEN | N_PROGRAM, F(local.setgid, TEXT))
OPT("chroot",		"chroot",	AO_TEXT,  N_LISTEN | N_PROGRAM, F(local.chroot, TEXT))

/*
 * Terminals: of any side that is one once opened.  T(FIELD, MASK, BITS):
 * a change of its termios (TTY_* of io.h), made in the order written: a
 * flag's row sets BITS in MASK, or clears them with =0; TV(FIELD, MASK):
 * a value in MASK (crdly=2); a character's (CC) row sets c_cc[MASK].
 */
OPT("raw",		"raw",		AO_BOOL,  N_TTY,	T(RAW, 0, 1))
OPT("rawer termios-rawer",
			"rawer",	AO_BOOL,  N_TTY,	T(RAWER, 0, 1))
OPT("cfmakeraw termios-cfmakeraw",
			"cfmakeraw",	AO_BOOL,  N_TTY,	T(CFMAKERAW, 0, 1))
OPT("sane",		"sane",		AO_BOOL,  N_TTY,	T(SANE, 0, 1))
OPT("ignbrk",		"ignbrk",	AO_BOOL,  N_TTY,	T(I, IGNBRK, IGNBRK))
OPT("brkint",		"brkint",	AO_BOOL,  N_TTY,	T(I, BRKINT, BRKINT))
OPT("ignpar",		"ignpar",	AO_BOOL,  N_TTY,	T(I, IGNPAR, IGNPAR))
OPT("parmrk",		"parmrk",	AO_BOOL,  N_TTY,	T(I, PARMRK, PARMRK))
OPT("inpck",		"inpck",	AO_BOOL,  N_TTY,	T(I, INPCK, INPCK))
OPT("istrip",		"istrip",	AO_BOOL,  N_TTY,	T(I, ISTRIP, ISTRIP))
OPT("inlcr",		"inlcr",	AO_BOOL,  N_TTY,	T(I, INLCR, INLCR))
OPT("igncr",		"igncr",	AO_BOOL,  N_TTY,	T(I, IGNCR, IGNCR))
OPT("icrnl",		"icrnl",	AO_BOOL,  N_TTY,	T(I, ICRNL, ICRNL))
OPT("iuclc",		"iuclc",	AO_BOOL,  N_TTY,	T(I, IUCLC, IUCLC))
OPT("ixon",		"ixon",		AO_BOOL,  N_TTY,	T(I, IXON, IXON))
OPT("ixany",		"ixany",	AO_BOOL,  N_TTY,	T(I, IXANY, IXANY))
OPT("ixoff tandem",	"ixoff",	AO_BOOL,  N_TTY,	T(I, IXOFF, IXOFF))
OPT("imaxbel",		"imaxbel",	AO_BOOL,  N_TTY,	T(I, IMAXBEL, IMAXBEL))
OPT("opost",		"opost",	AO_BOOL,  N_TTY,	T(O, OPOST, OPOST))
OPT("olcuc",		"olcuc",	AO_BOOL,  N_TTY,	T(O, OLCUC, OLCUC))
OPT("onlcr",		"onlcr",	AO_BOOL,  N_TTY,	T(O, ONLCR, ONLCR))
OPT("ocrnl",		"ocrnl",	AO_BOOL,  N_TTY,	T(O, OCRNL, OCRNL))
OPT("onocr",		"onocr",	AO_BOOL,  N_TTY,	T(O, ONOCR, ONOCR))
OPT("onlret",		"onlret",	AO_BOOL,  N_TTY,	T(O, ONLRET, ONLRET))
OPT("ofill",		"ofill",	AO_BOOL,  N_TTY,	T(O, OFILL, OFILL))
OPT("ofdel",		"ofdel",	AO_BOOL,  N_TTY,	T(O, OFDEL, OFDEL))
OPT("nldly",		"nldly",	AO_BYTE,  N_TTY,	TV(O, NLDLY))
OPT("nl0",		"nl0",		AO_BOOL,  N_TTY,	T(O, NLDLY, NL0))
OPT("nl1",		"nl1",		AO_BOOL,  N_TTY,	T(O, NLDLY, NL1))
OPT("crdly",		"crdly",	AO_BYTE,  N_TTY,	TV(O, CRDLY))
OPT("cr0",		"cr0",		AO_BOOL,  N_TTY,	T(O, CRDLY, CR0))
OPT("cr1",		"cr1",		AO_BOOL,  N_TTY,	T(O, CRDLY, CR1))
OPT("cr2",		"cr2",		AO_BOOL,  N_TTY,	T(O, CRDLY, CR2))
OPT("cr3",		"cr3",		AO_BOOL,  N_TTY,	T(O, CRDLY, CR3))
OPT("tabdly",		"tabdly",	AO_BYTE,  N_TTY,	TV(O, TABDLY))
OPT("tab0",		"tab0",		AO_BOOL,  N_TTY,	T(O, TABDLY, TAB0))
OPT("tab1",		"tab1",		AO_BOOL,  N_TTY,	T(O, TABDLY, TAB1))
OPT("tab2",		"tab2",		AO_BOOL,  N_TTY,	T(O, TABDLY, TAB2))
OPT("tab3 xtabs",	"tab3",		AO_BOOL,  N_TTY,	T(O, TABDLY, TAB3))
OPT("bsdly",		"bsdly",	AO_BYTE,  N_TTY,	TV(O, BSDLY))
OPT("bs0",		"bs0",		AO_BOOL,  N_TTY,	T(O, BSDLY, BS0))
OPT("bs1",		"bs1",		AO_BOOL,  N_TTY,	T(O, BSDLY, BS1))
OPT("vtdly",		"vtdly",	AO_BYTE,  N_TTY,	TV(O, VTDLY))
OPT("vt0",		"vt0",		AO_BOOL,  N_TTY,	T(O, VTDLY, VT0))
OPT("vt1",		"vt1",		AO_BOOL,  N_TTY,	T(O, VTDLY, VT1))
OPT("ffdly",		"ffdly",	AO_BYTE,  N_TTY,	TV(O, FFDLY))
OPT("ff0",		"ff0",		AO_BOOL,  N_TTY,	T(O, FFDLY, FF0))
OPT("ff1",		"ff1",		AO_BOOL,  N_TTY,	T(O, FFDLY, FF1))
OPT("csize",		"csize",	AO_BYTE,  N_TTY,	TV(C, CSIZE))
OPT("cs5",		"cs5",		AO_BOOL,  N_TTY,	T(C, CSIZE, CS5))
OPT("cs6",		"cs6",		AO_BOOL,  N_TTY,	T(C, CSIZE, CS6))
OPT("cs7",		"cs7",		AO_BOOL,  N_TTY,	T(C, CSIZE, CS7))
OPT("cs8",		"cs8",		AO_BOOL,  N_TTY,	T(C, CSIZE, CS8))
OPT("cstopb",		"cstopb",	AO_BOOL,  N_TTY,	T(C, CSTOPB, CSTOPB))
OPT("cread",		"cread",	AO_BOOL,  N_TTY,	T(C, CREAD, CREAD))
OPT("parenb",		"parenb",	AO_BOOL,  N_TTY,	T(C, PARENB, PARENB))
OPT("parodd",		"parodd",	AO_BOOL,  N_TTY,	T(C, PARODD, PARODD))
OPT("hupcl hup",	"hupcl",	AO_BOOL,  N_TTY,	T(C, HUPCL, HUPCL))
OPT("clocal",		"clocal",	AO_BOOL,  N_TTY,	T(C, CLOCAL, CLOCAL))
OPT("isig",		"isig",		AO_BOOL,  N_TTY,	T(L, ISIG, ISIG))
OPT("icanon",		"icanon",	AO_BOOL,  N_TTY,	T(L, ICANON, ICANON))
OPT("xcase",		"xcase",	AO_BOOL,  N_TTY,	T(L, XCASE, XCASE))
OPT("echo",		"echo",		AO_BOOL,  N_TTY,	T(L, ECHO, ECHO))
OPT("echoe crterase",	"echoe",	AO_BOOL,  N_TTY,	T(L, ECHOE, ECHOE))
OPT("echok",		"echok",	AO_BOOL,  N_TTY,	T(L, ECHOK, ECHOK))
OPT("echonl",		"echonl",	AO_BOOL,  N_TTY,	T(L, ECHONL, ECHONL))
OPT("noflsh",		"noflsh",	AO_BOOL,  N_TTY,	T(L, NOFLSH, NOFLSH))
OPT("tostop",		"tostop",	AO_BOOL,  N_TTY,	T(L, TOSTOP, TOSTOP))
OPT("echoctl ctlecho",	"echoctl",	AO_BOOL,  N_TTY,	T(L, ECHOCTL, ECHOCTL))
OPT("echoprt prterase",	"echoprt",	AO_BOOL,  N_TTY,	T(L, ECHOPRT, ECHOPRT))
OPT("echoke crtkill",	"echoke",	AO_BOOL,  N_TTY,	T(L, ECHOKE, ECHOKE))
OPT("flusho",		"flusho",	AO_BOOL,  N_TTY,	T(L, FLUSHO, FLUSHO))
OPT("pendin",		"pendin",	AO_BOOL,  N_TTY,	T(L, PENDIN, PENDIN))
OPT("iexten",		"iexten",	AO_BOOL,  N_TTY,	T(L, IEXTEN, IEXTEN))
OPT("vintr intr",	"vintr",	AO_BYTE,  N_TTY,	T(CC, VINTR, 0))
OPT("vquit quit",	"vquit",	AO_BYTE,  N_TTY,	T(CC, VQUIT, 0))
OPT("verase erase",	"verase",	AO_BYTE,  N_TTY,	T(CC, VERASE, 0))
OPT("vkill kill",	"vkill",	AO_BYTE,  N_TTY,	T(CC, VKILL, 0))
OPT("veof eof",		"veof",		AO_BYTE,  N_TTY,	T(CC, VEOF, 0))
OPT("vtime time",	"vtime",	AO_BYTE,  N_TTY,	T(CC, VTIME, 0))
OPT("vmin min",		"vmin",		AO_BYTE,  N_TTY,	T(CC, VMIN, 0))
OPT("vswtc swtc swtch",	"vswtc",	AO_BYTE,  N_TTY,	T(CC, VSWTC, 0))
OPT("vstart start",	"vstart",	AO_BYTE,  N_TTY,	T(CC, VSTART, 0))
OPT("vstop stop",	"vstop",	AO_BYTE,  N_TTY,	T(CC, VSTOP, 0))
OPT("vsusp susp",	"vsusp",	AO_BYTE,  N_TTY,	T(CC, VSUSP, 0))
OPT("veol eol",		"veol",		AO_BYTE,  N_TTY,	T(CC, VEOL, 0))
OPT("vreprint reprint rprnt",
			"vreprint",	AO_BYTE,  N_TTY,	T(CC, VREPRINT, 0))
OPT("vdiscard discard",	"vdiscard",	AO_BYTE,  N_TTY,	T(CC, VDISCARD, 0))
OPT("vwerase werase",	"vwerase",	AO_BYTE,  N_TTY,	T(CC, VWERASE, 0))
OPT("vlnext lnext",	"vlnext",	AO_BYTE,  N_TTY,	T(CC, VLNEXT, 0))
OPT("veol2 eol2",	"veol2",	AO_BYTE,  N_TTY,	T(CC, VEOL2, 0))
OPT("ispeed",		"ispeed",	AO_UINT,  N_TTY,	S(side_opt_speed))
OPT("ospeed",		"ospeed",	AO_UINT,  N_TTY,	S(side_opt_speed))
OPT("bN",		"speed",	AO_UINT,  N_TTY,	S(side_opt_speed))
OPT("crtscts",		"crtscts",	AO_BOOL,  N_SERIAL,	F(crtscts, FLAG))
OPT("link symbolic-link",
			"link",		AO_TEXT,  N_PTY,	R)
/*
 * socat's pty-wait-slave: the pty made first, the other side opened once
 * another process has opened its terminal side (end_device_open()), looked
 * at every pty-interval=; its openpty and ptmx, how it is made: on this
 * system both give the same, from /dev/ptmx.
 */
OPT("pty-wait-slave wait-slave waitslave",
			"pty-wait-slave", AO_BOOL, N_PTY,	F(pty_wait, FLAG))
OPT("pty-interval pty-intervall",
			"pty-interval",	AO_SECONDS, N_PTY,	F(pty_interval_ms, MS))
OPT("openpty",		"openpty",	AO_BOOL,  N_PTY,	R)
OPT("ptmx",		"ptmx",		AO_BOOL,  N_PTY,	R)
/* socat's end-close of a pty: its end is its close already. */
OPT("end-close close",
			"end-close",	AO_BOOL,  N_PTY,	R)

/*
 * socat's lockfile= and waitlock=, of any side: a lock file taken before
 * anything is opened, as -L and -W take theirs (front/socat.c).
 */
OPT("lockfile",		"lockfile",	AO_TEXT,  N_ANY,	F(local.lockfile, TEXT))
OPT("waitlock",		"waitlock",	AO_TEXT,  N_ANY,	F(local.waitlock, TEXT))

/*
 * socat's readbytes, of any side: what is read from it ends after so many
 * bytes (channel_read_bytes(), from join_way()).
 */
OPT("readbytes bytes",	"readbytes",	AO_SIZE,  N_ANY,	F(local.readbytes, SIZE))

/* Sockets */
OPT("fork",		"fork",		AO_BOOL,  N_LISTEN | N_DIAL, S(side_opt_fork))
OPT("max-children maxchildren",
			"max-children",	AO_NUMBER, N_LISTEN,	S(side_opt_max_children))
OPT("reuseaddr so-reuseaddr",
			"reuseaddr",	AO_BOOL,  N_LISTEN | N_IP_DIAL | N_UNIX_DIAL,
							F(sock.reuseaddr, FLAG))
#define OPT_REUSEPORT(X)						\
	X("reuseport so-reuseport", "reuseport",			\
	AO_BOOL, N_IP_LISTEN, F(sock.reuseport, FLAG),			\
	.name = "reuseport", .group = OPTG_SOCK, .topic = OPTT_CORE,	\
	.kind = OPTK_FLAG, .joins = 1,					\
	.help = "with -l: SO_REUSEPORT, a listener per processor")
OPT_REUSEPORT(OPTCL)
OPT("bind",		"bind",		AO_TEXT,  N_IP | N_UNIX_DIAL, R)
OPT("sourceport sp",	"sourceport",	AO_PORT,  N_IP,		S(side_opt_sourceport))
OPT("lowport",		"lowport",	AO_BOOL,  N_IP,		S(side_opt_lowport))
OPT("range",		"range",	AO_TEXT,  N_IP_LISTEN,	S(side_opt_range))
#define OPT_BACKLOG(X)							\
	X("backlog", "backlog",						\
	AO_NUMBER, N_STREAM_LISTEN, F(sock.backlog, INT),		\
	.name = "backlog", .arg = "N", .group = OPTG_SOCK,		\
	.topic = OPTT_CORE, .kind = OPTK_NUMBER, .lo = 1,		\
	.hi = INT_MAX, .what = "backlog",				\
	.help = "with -l: clients that may wait to be accepted")
OPT_BACKLOG(OPTCL)
#define OPT_NODELAY(X)							\
	X("nodelay tcp-nodelay", "nodelay",				\
	AO_BOOL, N_TCP, F(sock.nodelay, FLAG),				\
	.name = "nodelay", .group = OPTG_SOCK, .topic = OPTT_CORE,	\
	.kind = OPTK_FLAG,						\
	.line = "TCP_NODELAY; -l sharing its port",			\
	.help = "TCP_NODELAY: small writes go out at once")
OPT_NODELAY(OPTCL)
OPT("mss maxseg tcp-maxseg",
			"mss",		AO_NUMBER, N_TCP,	F(sock.mss, INT))
OPT("cork tcp-cork",	"cork",		AO_BOOL,  N_TCP,	F(sock.cork, FLAG))
OPT("quickack tcp-quickack",
			"quickack",	AO_BOOL,  N_TCP,	F(sock.quickack, FLAG))
OPT("defer-accept tcp-defer-accept",
			"defer-accept",	AO_NUMBER, N_TCP,	F(sock.defer_accept, INT))
OPT("syncnt tcp-syncnt",
			"syncnt",	AO_NUMBER, N_TCP,	F(sock.syncnt, INT))
OPT("window-clamp tcp-window-clamp",
			"window-clamp",	AO_BUFSIZE, N_TCP,	F(sock.window_clamp, INT))
OPT("priority so-priority",
			"priority",	AO_BYTE,  N_IP | N_UNIX, F(sock.priority, BYTE))
OPT("dontroute so-dontroute",
			"dontroute",	AO_BOOL,  N_IP | N_UNIX, F(sock.dontroute, FLAG))
#define OPT_SO_DEBUG(X)							\
	X("so-debug debug", "so-debug",					\
	AO_BOOL, N_IP | N_UNIX, F(sock.so_debug, FLAG),			\
	.letter = 'D', .name = "debug", .group = OPTG_SOCK,		\
	.topic = OPTT_CORE, .kind = OPTK_FLAG, .help = "SO_DEBUG")
OPT_SO_DEBUG(OPTCL)
OPT("so-oobinline oobinline",
			"so-oobinline",	AO_BOOL,  N_IP | N_UNIX, F(sock.oobinline, FLAG))
OPT("so-rcvlowat rcvlowat",
			"so-rcvlowat",	AO_BUFSIZE, N_IP | N_UNIX, F(sock.rcvlowat, INT))
OPT("tcp-linger2 linger2",
			"tcp-linger2",	AO_NUMBER, N_TCP,	F(sock.linger2, INT))
OPT("ip-mtu-discover mtudiscover",
			"ip-mtu-discover", AO_BYTE, N_IP,	F(sock.mtu_discover, BYTE))
OPT("freebind ip-freebind ipfreebind",
			"freebind",	AO_BOOL,  N_IP,		F(sock.freebind, FLAG))
OPT("transparent ip-transparent",
			"transparent",	AO_BOOL,  N_IP,		F(sock.transparent, FLAG))
OPT("linger so-linger",	"linger",	AO_COUNT, N_IP | N_UNIX, S(side_opt_linger))
OPT("bindtodevice so-bindtodevice if interface",
			"bindtodevice",	AO_TEXT,  N_IP | N_UNIX, F(sock.device, TEXT))
#define OPT_KEEPALIVE(X)						\
	X("keepalive so-keepalive", "keepalive",			\
	AO_BOOL, N_TCP | N_UNIX, F(sock.keepalive, FLAG),		\
	.name = "keepalive", .arg = "IDLE,INTERVAL,COUNT",		\
	.has_arg = optional_argument, .group = OPTG_SOCK,		\
	.topic = OPTT_CORE, .set = opt_keepalive,			\
	.help = "TCP keepalive (probe times, count)")
OPT_KEEPALIVE(OPTCL)
OPT("keepidle tcp-keepidle",
			"keepidle",	AO_NUMBER, N_TCP,	F(sock.keepidle, INT))
OPT("keepintvl tcp-keepintvl",
			"keepintvl",	AO_NUMBER, N_TCP,	F(sock.keepintvl, INT))
OPT("keepcnt tcp-keepcnt",
			"keepcnt",	AO_NUMBER, N_TCP,	F(sock.keepcnt, INT))
#define OPT_SNDBUF(X)							\
	X("sndbuf so-sndbuf", "sndbuf",					\
	AO_BUFSIZE, N_IP | N_UNIX, F(sock.sndbuf, INT),			\
	.letter = 'O', .name = "send-buf", .arg = "LENGTH",		\
	.group = OPTG_SOCK, .kind = OPTK_NUMBER, .topic = OPTT_CORE,	\
	.lo = 1, .hi = 65536 * 1024, .what = "TCP send window",		\
	.help = "socket send buffer size (TCP, Unix)")
OPT_SNDBUF(OPTCL)
#define OPT_RCVBUF(X)							\
	X("rcvbuf so-rcvbuf", "rcvbuf",					\
	AO_BUFSIZE, N_IP | N_UNIX, F(sock.rcvbuf, INT),			\
	.letter = 'I', .name = "recv-buf", .arg = "LENGTH",		\
	.group = OPTG_SOCK, .kind = OPTK_NUMBER, .topic = OPTT_CORE,	\
	.lo = 1, .hi = 65536 * 1024, .what = "TCP receive window",	\
	.help = "socket receive buffer size (TCP, UDP, Unix)")
OPT_RCVBUF(OPTCL)
#define OPT_TTL(X)							\
	X("ttl ip-ttl ipttl ipv6-unicast-hops unicast-hops", "ttl",	\
	AO_BYTE, N_IP, S(side_opt_ttl),					\
	.letter = 'M', .name = "ttl", .arg = "TTL",			\
	.group = OPTG_SOCK, .topic = OPTT_CORE, .kind = OPTK_NUMBER,	\
	FIELD(side.sock.ttl), .lo = 0, .hi = 255, .what = "ttl",	\
	.help = "outgoing TTL / hop limit")
OPT_TTL(OPTCL)
#define OPT_TOS(X)							\
	X("tos ip-tos iptos ipv6-tclass", "tos",			\
	AO_BYTE, N_IP, F(sock.tos, BYTE),				\
	.letter = 'T', .name = "tos", .arg = "KEYWORD",			\
	.group = OPTG_SOCK, .topic = OPTT_CORE, .set = opt_tos,		\
	.comp = OPTC_TOS,						\
	.help = "TOS: lowdelay, throughput, ef, af11, cs1, ... or 0-255")
OPT_TOS(OPTCL)
OPT("ip-options ipoptions",
			"ip-options",	AO_TEXT,  N_IP,		S(side_opt_ip_options))
/*
 * socat's ancillary data: what each datagram received says beside its
 * bytes (anc.c), logged and given to a program; an ip-* one is IPv6's
 * on an IPv6 socket.
 */
OPT("so-timestamp timestamp",
			"so-timestamp",	AO_BOOL,  N_UDP,	F(sock.timestamp, FLAG))
OPT("ip-pktinfo pktinfo ippktinfo ipv6-recvpktinfo recvpktinfo",
			"ip-pktinfo",	AO_BOOL,  N_UDP,	F(sock.pktinfo, FLAG))
OPT("ip-recvttl recvttl iprecvttl ipv6-recvhoplimit recvhoplimit",
			"ip-recvttl",	AO_BOOL,  N_UDP,	F(sock.recvttl, FLAG))
OPT("ip-recvtos recvtos iprecvtos ipv6-recvtclass",
			"ip-recvtos",	AO_BOOL,  N_UDP,	F(sock.recvtos, FLAG))
OPT("ip-recvopts recvopts iprecvopts",
			"ip-recvopts",	AO_BOOL,  N_UDP,	F(sock.recvopts, FLAG))
OPT("connect-timeout",	"connect-timeout", AO_SECONDS, N_DIAL,	F(connect_ms, MS))
OPT("accept-timeout listen-timeout",
			"accept-timeout", AO_SECONDS, N_STREAM_LISTEN, F(accept_ms, MS))
#define OPT_RETRY(X)							\
	X("retry", "retry",						\
	AO_COUNT, N_DIAL | N_LISTEN, F(retries, INT),			\
	.name = "retry", .arg = "N|forever", .group = OPTG_CONN,	\
	.topic = OPTT_CORE, .set = opt_retry, .comp = OPTC_WORDS,	\
	.words = "forever",						\
	.help = "try connecting again while refused or unreachable")
OPT_RETRY(OPTCL)
OPT("forever",		"forever",	AO_BOOL,  N_DIAL | N_LISTEN, S(side_opt_forever))
OPT("interval intervall",
			"interval",	AO_SECONDS, N_DIAL | N_LISTEN, S(side_opt_interval))
OPT("pf protocol-family",
			"pf",		AO_FAMILY, N_IP,	R)
#define OPT_BROADCAST(X)						\
	X("broadcast so-broadcast", "broadcast",			\
	AO_BOOL, N_UDP, F(sock.broadcast, FLAG),			\
	.letter = 'b', .name = "broadcast", .group = OPTG_SOCK,		\
	.topic = OPTT_CORE, .kind = OPTK_FLAG,				\
	.help = "allow broadcast")
OPT_BROADCAST(OPTCL)
#define OPT_MULTICAST_LOOP(X)						\
	X("multicast-loop ip-multicast-loop ipmulticastloop multicastloop",	\
	"multicast-loop",						\
	AO_BOOL, N_UDP, F(sock.mcast_loop, FLAG),			\
	.name = "mcast-loop", .arg = "on|off", .group = OPTG_SOCK,	\
	.topic = OPTT_CORE, .joins = 1, .set = opt_mcast_loop,		\
	.comp = OPTC_WORDS, .words = "on off",				\
	.help = "whether this host hears what it sends to a group")
OPT_MULTICAST_LOOP(OPTCL)
OPT("multicast-ttl ip-multicast-ttl ipmulticastttl multicastttl",
			"multicast-ttl", AO_BYTE, N_UDP,	F(sock.mcast_ttl, BYTE))
#define OPT_MULTICAST_IF(X)						\
	X("multicast-if ip-multicast-if", "multicast-if",		\
	AO_TEXT, N_UDP, F(sock.mcast_if, TEXT),				\
	.name = "mcast-if", .arg = "INTERFACE", .group = OPTG_SOCK,	\
	.topic = OPTT_CORE, .kind = OPTK_STRING,			\
	.line = "-u: multicast interface; loop",			\
	.help = "multicast interface (name or address), -u")
OPT_MULTICAST_IF(OPTCL)
OPT("shut-null",	"shut-null",	AO_BOOL,  N_SHUT,	F(shut_null, FLAG))
OPT("shut-none",	"shut-none",	AO_BOOL,  N_SHUT,	S(side_opt_shut_none))
OPT("shut-down",	"shut-down",	AO_BOOL,  N_SHUT,	R)
OPT("null-eof",		"null-eof",	AO_BOOL,  N_UDP,	F(null_eof, FLAG))
OPT("setsockopt sockopt setsockopt-int sockopt-int",
			"setsockopt",	AO_TEXT,  N_IP_DIAL | N_UNIX_DIAL, S(side_opt_sockopt))
OPT("setsockopt-listen sockopt-listen",
			"setsockopt",	AO_TEXT,  N_IP_LISTEN | N_UNIX_LISTEN, A)
OPT("ip-add-membership ipv6-join-group add-membership "
    "ip-membership membership ipv6-add-membership join-group",
			"membership",	AO_TEXT,  N_UDP_LISTEN,	S(side_opt_membership))
OPT("ipv6only ipv6-v6only v6only",
			"ipv6only",	AO_BOOL,  N_IP_LISTEN,	S(side_opt_v6only))
