/* ipc.h — the frames the front and a worker exchange over their socketpair.
 *
 * One request frame goes to a worker, one response frame comes back; nothing is pipelined on one
 * worker. Before its response a worker may send notes (a function's own deadline), only when the
 * front asked for them (worker_opts), so `hookstack invoke` still reads exactly one frame. A worker
 * of `hookstack serve` sends one note before any request: ready, once it loaded its modules. A
 * frame is a fixed head (native byte order: both ends are the same binary on the same machine)
 * followed by its fields' bytes back to back, in field order. The head carries each field's length,
 * IPC_ABSENT for "absent", so no field is copied to be framed: the sender passes the head and the
 * field buffers to writev, and the receiver points into the one buffer it read.
 *
 *   request:  ipc_req_head  | authorization | query | content_type | ... | body
 *   response: ipc_resp_head | body | content_type | function | type | ids...
 */
#ifndef HS_IPC_H
#define HS_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "text.h"

struct proto_request;
struct proto_response;

#define IPC_REQ_MAGIC  0x31525348u /* "HSR1" */
#define IPC_RESP_MAGIC 0x31415348u /* "HSA1" */
#define IPC_NOTE_MAGIC 0x314e5348u /* "HSN1" */
#define IPC_ABSENT     0xffffffffu
/* Largest frame either side accepts (a 50 MB body plus headers fits many times over). The front
 * also caps a response frame at ipc_resp_frame_max(--max-response-bytes). */
#define IPC_FRAME_MAX ((size_t)1 << 31)
/* A response's fields other than the body (content type, function, type, ids) are only for the
 * request's log line: each is cut at this many bytes. */
#define IPC_RESP_FIELD_MAX 1024u

enum ipc_req_field {
    IPC_REQ_AUTHORIZATION = 0,
    IPC_REQ_QUERY,
    IPC_REQ_CONTENT_TYPE,
    IPC_REQ_CONTENT_ENCODING,
    IPC_REQ_TRACE_ID,
    IPC_REQ_REQ_ID,
    IPC_REQ_STEP_FUNCTION, /* POST /v1/hooks/{function}: the path segment; absent: /function */
    IPC_REQ_BODY,          /* last: the front sends it from its own buffer */
    IPC_REQ_NFIELDS
};

struct ipc_req_head {
    uint32_t magic;
    uint32_t frame_len; /* whole frame, head included */
    uint32_t seq;
    uint32_t len[IPC_REQ_NFIELDS];
};

enum ipc_resp_field {
    IPC_RESP_BODY = 0,
    IPC_RESP_CONTENT_TYPE,
    IPC_RESP_FUNCTION,
    IPC_RESP_TYPE,
    IPC_RESP_CONNECTOR_ID,
    IPC_RESP_INTEGRATION_ID,
    IPC_RESP_FLOW_ID,
    IPC_RESP_EXPORT_ID,
    IPC_RESP_IMPORT_ID,
    IPC_RESP_CONNECTION_ID,
    IPC_RESP_NFIELDS
};

/* What a worker says about itself with a response (ipc_resp_head.wflags). */
enum ipc_worker_flags {
    IPC_WF_RECYCLE = 1u << 0, /* past its memory high-water mark: replace me after this answer */
};

struct ipc_resp_head {
    uint32_t magic;
    uint32_t frame_len;
    uint32_t seq;
    int32_t status;
    uint32_t flags;  /* enum proto_resp_flags */
    uint32_t wflags; /* enum ipc_worker_flags (0 from ipc_resp_encode; the worker sets them) */
    uint32_t len[IPC_RESP_NFIELDS];
};

/* A decoded response: pointers into the frame buffer (p == NULL: absent). */
struct ipc_resp_view {
    uint32_t seq;
    int status;
    unsigned flags;
    unsigned wflags;
    struct strv f[IPC_RESP_NFIELDS];
};

/* A note: head, then name (name_len bytes). */
enum ipc_note_kind {
    IPC_NOTE_DEADLINE = 1, /* value: this call's deadline in ms; name: the function */
    IPC_NOTE_READY = 2,    /* seq 0, no name: the worker loaded its modules and takes requests */
};
#define IPC_NOTE_NAME_MAX 256

struct ipc_note_head {
    uint32_t magic;
    uint32_t frame_len;
    uint32_t seq;
    uint32_t kind;
    uint64_t value;
};

struct ipc_note_view {
    uint32_t seq;
    enum ipc_note_kind kind;
    uint64_t value;
    struct strv name;
};

/* Fills h for a request whose fields are f (f[i].p == NULL: absent); returns the frame length, or
 * 0 when it would exceed IPC_FRAME_MAX. */
size_t ipc_req_head_init(struct ipc_req_head *h, uint32_t seq,
                         const struct strv f[IPC_REQ_NFIELDS]);

/* Total frame length announced by the first bytes of a frame (at least 8 must be given), or 0
 * when the magic is wrong or the length is out of range. */
size_t ipc_frame_len(const void *buf, size_t have, uint32_t magic, size_t head_size);

/* Decodes a whole request frame into req (pointers into buf). 0, or -1 when malformed. */
int ipc_req_decode(const char *buf, size_t len, uint32_t *seq, struct proto_request *req);

/* Prepares a response frame from resp: fills h and iov (at most IPC_RESP_NFIELDS + 1 entries,
 * empty fields skipped); returns the number of iov entries, or -1 when too large. */
int ipc_resp_encode(struct ipc_resp_head *h, struct iovec *iov, uint32_t seq,
                    const struct proto_response *resp);

/* The largest response frame a body of at most max_body bytes makes (head and fields included). */
size_t ipc_resp_frame_max(size_t max_body);

/* Decodes a whole response frame. 0, or -1 when malformed. */
int ipc_resp_decode(const char *buf, size_t len, struct ipc_resp_view *out);

/* Field f of a request frame's head part (the head and every field before the body, as the
 * front's pool_job holds it in bufs[0]). 0, or -1 when that part is malformed or too short. */
int ipc_req_head_field(const char *head, size_t len, enum ipc_req_field f, struct strv *out);

/* Writes one note (name cut at IPC_NOTE_NAME_MAX bytes) with one write. 0 or -1. */
int ipc_note_write(int fd, uint32_t seq, enum ipc_note_kind kind, uint64_t value, const char *name,
                   size_t name_len);

/* Decodes a whole note frame. 0, or -1 when malformed or of an unknown kind. */
int ipc_note_decode(const char *buf, size_t len, struct ipc_note_view *out);

/* Blocking helpers for the worker. ipc_writev_all writes every byte (EINTR retried): 0 or -1.
 * ipc_read_frame reads one whole frame into *buf (grown with realloc up to IPC_FRAME_MAX) and
 * returns its length, 0 at a clean end of file, or -1 on error or a malformed frame. */
int ipc_writev_all(int fd, struct iovec *iov, int n);
ssize_t ipc_read_frame(int fd, char **buf, size_t *cap, uint32_t magic, size_t head_size);

#endif
