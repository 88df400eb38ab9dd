/*
 * VSOCK sockets (--vsock, vsock:CID:PORT): addresses, a listener, and why
 * a socket could not be had.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <linux/vm_sockets.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/*
 * Fill svm for cid (a number, "any", "local", "host", "hypervisor"; NULL:
 * any) and port (0 with passive: any).  Returns 0, or -1 with errno and
 * *cause.
 */
int
vsock_addr(const char *cid, const char *port, int passive,
    struct sockaddr_vm *svm, char **cause)
{
	static const struct {
		const char	*name;
		unsigned int	 cid;
	} names[] = {
		{ "any",	VMADDR_CID_ANY },
		{ "hypervisor",	VMADDR_CID_HYPERVISOR },
		{ "local",	VMADDR_CID_LOCAL },
		{ "host",	VMADDR_CID_HOST },
	};
	const char	*errstr;
	size_t		 i;

	memset(svm, 0, sizeof(*svm));
	svm->svm_family = AF_VSOCK;
	svm->svm_cid = VMADDR_CID_ANY;
	for (i = 0; cid != NULL && i < nitems(names); i++) {
		if (strcasecmp(cid, names[i].name) == 0)
			break;
	}
	if (cid != NULL && i < nitems(names))
		svm->svm_cid = names[i].cid;
	else if (cid != NULL) {
		svm->svm_cid = strtonum(cid, 0, UINT32_MAX, &errstr);
		if (errstr != NULL) {
			log_cause(cause, "vsock: CID %s: %s (a number, or any, "
			    "local, host, hypervisor)", cid, errstr);
			errno = EINVAL;
			return (-1);
		}
	}
	svm->svm_port = strtonum(port, 0, UINT32_MAX - 1, &errstr);
	if (errstr != NULL) {
		log_cause(cause, "vsock: port %s: %s", port, errstr);
		errno = EINVAL;
		return (-1);
	}
	if (passive && svm->svm_port == 0)
		svm->svm_port = VMADDR_PORT_ANY;
	return (0);
}

/*
 * One line naming the likely cause of error for cid and port: no VSOCK, no
 * transport to that CID, or no listener.
 */
const char *
vsock_why(int error, const char *cid, const char *port)
{
	static char	 msg[256];

	switch (error) {
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		snprintf(msg, sizeof(msg), "vsock: this kernel has no VSOCK "
		    "support (%s)", strerror(error));
		break;
	case ENODEV:
	case ENETUNREACH:
	case EHOSTUNREACH:
		snprintf(msg, sizeof(msg), "vsock: no VSOCK transport reaches "
		    "CID %s (%s)", cid != NULL ? cid : "any", strerror(error));
		break;
	case ETIMEDOUT:
		/* CID 1 is this machine, through vsock_loopback alone. */
		if (cid != NULL && (strcmp(cid, "1") == 0 ||
		    strcasecmp(cid, "local") == 0)) {
			snprintf(msg, sizeof(msg), "vsock: no VSOCK transport "
			    "reaches CID %s (%s: is vsock_loopback loaded?)",
			    cid, strerror(error));
			break;
		}
		/* FALLTHROUGH */
	default:
		/*
		 * A transport reaches the CID, and its end answers a connect
		 * to a port without a listener with a reset, as TCP answers
		 * with a refusal.
		 */
		if (error == ECONNRESET || error == ECONNREFUSED) {
			snprintf(msg, sizeof(msg), "vsock: nothing listens on "
			    "CID %s port %s (%s)", cid != NULL ? cid : "any",
			    port, strerror(error));
			break;
		}
		snprintf(msg, sizeof(msg), "vsock: CID %s port %s: %s",
		    cid != NULL ? cid : "any", port, strerror(error));
		break;
	}
	return (msg);
}

/*
 * --vsock -l: a listening, non-blocking stream socket on cid (NULL: any)
 * and port.  Returns -1 with errno and *cause.
 */
int
vsock_listen(const struct side *sd, const char *cid, const char *port,
    char **cause)
{
	struct sockaddr_vm	 svm;
	int			 fd;

	if (vsock_addr(cid, port, 1, &svm, cause) == -1)
		return (-1);
	if ((fd = socket(AF_VSOCK, sd->sock.socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1 || bind(fd, (struct sockaddr *)&svm,
	    sizeof(svm)) == -1 || listen(fd, 128) == -1) {
		log_cause(cause, "%s", vsock_why(errno, cid, port));
		return (fd == -1 ? -1 : net_close_err(fd));
	}
	return (fd);
}
