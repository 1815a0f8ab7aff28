/* ipc.c — framing of requests and responses between the front and a worker (see ipc.h). */
#include "ipc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

size_t ipc_req_head_init(struct ipc_req_head *h, uint32_t seq, const struct strv f[IPC_REQ_NFIELDS])
{
    size_t total = sizeof(*h);
    h->magic = IPC_REQ_MAGIC;
    h->seq = seq;
    for (int i = 0; i < IPC_REQ_NFIELDS; i++) {
        if (f[i].p == NULL) {
            h->len[i] = IPC_ABSENT;
            continue;
        }
        if (f[i].len >= IPC_ABSENT || f[i].len > IPC_FRAME_MAX - total)
            return 0;
        h->len[i] = (uint32_t)f[i].len;
        total += f[i].len;
    }
    h->frame_len = (uint32_t)total;
    return total;
}

size_t ipc_frame_len(const void *buf, size_t have, uint32_t magic, size_t head_size)
{
    if (have < 8)
        return 0;
    uint32_t m, len;
    memcpy(&m, buf, 4);
    memcpy(&len, (const char *)buf + 4, 4);
    if (m != magic || len < head_size || len > IPC_FRAME_MAX)
        return 0;
    return len;
}

/* Points n fields at the bytes after the head; -1 when the lengths do not add up to len. */
static int fields_decode(const char *buf, size_t len, size_t off, const uint32_t *lens, int n,
                         struct strv *out)
{
    for (int i = 0; i < n; i++) {
        if (lens[i] == IPC_ABSENT) {
            out[i].p = NULL;
            out[i].len = 0;
            continue;
        }
        if (lens[i] > len - off)
            return -1;
        out[i].p = buf + off;
        out[i].len = lens[i];
        off += lens[i];
    }
    return off == len ? 0 : -1;
}

int ipc_req_decode(const char *buf, size_t len, uint32_t *seq, struct proto_request *req)
{
    struct ipc_req_head h;
    if (len < sizeof(h))
        return -1;
    memcpy(&h, buf, sizeof(h));
    if (h.magic != IPC_REQ_MAGIC || h.frame_len != len)
        return -1;
    struct strv f[IPC_REQ_NFIELDS];
    if (fields_decode(buf, len, sizeof(h), h.len, IPC_REQ_NFIELDS, f) != 0)
        return -1;
    *seq = h.seq;
    req->authorization = f[IPC_REQ_AUTHORIZATION];
    req->query = f[IPC_REQ_QUERY];
    req->content_type = f[IPC_REQ_CONTENT_TYPE];
    req->content_encoding = f[IPC_REQ_CONTENT_ENCODING];
    req->trace_id = f[IPC_REQ_TRACE_ID];
    req->req_id = f[IPC_REQ_REQ_ID];
    req->step_function = f[IPC_REQ_STEP_FUNCTION];
    req->body = f[IPC_REQ_BODY];
    return 0;
}

int ipc_resp_encode(struct ipc_resp_head *h, struct iovec *iov, uint32_t seq,
                    const struct proto_response *resp)
{
    const char *strs[IPC_RESP_NFIELDS] = {
        [IPC_RESP_CONTENT_TYPE] = resp->content_type,
        [IPC_RESP_FUNCTION] = resp->function,
        [IPC_RESP_TYPE] = resp->type,
        [IPC_RESP_CONNECTOR_ID] = resp->connector_id,
        [IPC_RESP_INTEGRATION_ID] = resp->integration_id,
        [IPC_RESP_FLOW_ID] = resp->flow_id,
        [IPC_RESP_EXPORT_ID] = resp->export_id,
        [IPC_RESP_IMPORT_ID] = resp->import_id,
        [IPC_RESP_CONNECTION_ID] = resp->connection_id,
    };
    h->magic = IPC_RESP_MAGIC;
    h->seq = seq;
    h->status = resp->status;
    h->flags = resp->flags;
    h->wflags = 0;
    int n = 0;
    iov[n].iov_base = h;
    iov[n++].iov_len = sizeof(*h);
    size_t total = sizeof(*h);
    for (int i = 0; i < IPC_RESP_NFIELDS; i++) {
        const char *p;
        size_t len;
        if (i == IPC_RESP_BODY) {
            p = resp->body.data != NULL ? resp->body.data : "";
            len = resp->body.len;
        } else {
            p = strs[i];
            len = p != NULL ? strnlen(p, IPC_RESP_FIELD_MAX) : 0;
        }
        if (p == NULL) {
            h->len[i] = IPC_ABSENT;
            continue;
        }
        if (len >= IPC_ABSENT || len > IPC_FRAME_MAX - total)
            return -1;
        h->len[i] = (uint32_t)len;
        total += len;
        if (len > 0) {
            iov[n].iov_base = (void *)p;
            iov[n++].iov_len = len;
        }
    }
    h->frame_len = (uint32_t)total;
    return n;
}

size_t ipc_resp_frame_max(size_t max_body)
{
    size_t fields = (size_t)(IPC_RESP_NFIELDS - 1) * IPC_RESP_FIELD_MAX;
    size_t head = sizeof(struct ipc_resp_head) + fields;
    return max_body > IPC_FRAME_MAX - head ? IPC_FRAME_MAX : head + max_body;
}

int ipc_resp_decode(const char *buf, size_t len, struct ipc_resp_view *out)
{
    struct ipc_resp_head h;
    if (len < sizeof(h))
        return -1;
    memcpy(&h, buf, sizeof(h));
    if (h.magic != IPC_RESP_MAGIC || h.frame_len != len)
        return -1;
    if (fields_decode(buf, len, sizeof(h), h.len, IPC_RESP_NFIELDS, out->f) != 0)
        return -1;
    out->seq = h.seq;
    out->status = h.status;
    out->flags = h.flags;
    out->wflags = h.wflags;
    return 0;
}

int ipc_req_head_field(const char *head, size_t len, enum ipc_req_field f, struct strv *out)
{
    struct ipc_req_head h;
    out->p = NULL;
    out->len = 0;
    if (len < sizeof(h) || f >= IPC_REQ_BODY)
        return -1;
    memcpy(&h, head, sizeof(h));
    if (h.magic != IPC_REQ_MAGIC)
        return -1;
    size_t off = sizeof(h);
    for (int i = 0; i <= (int)f; i++) {
        if (h.len[i] == IPC_ABSENT)
            continue;
        if (h.len[i] > len - off)
            return -1;
        if (i == (int)f) {
            out->p = head + off;
            out->len = h.len[i];
        }
        off += h.len[i];
    }
    return 0;
}

int ipc_note_write(int fd, uint32_t seq, enum ipc_note_kind kind, uint64_t value, const char *name,
                   size_t name_len)
{
    if (name_len > IPC_NOTE_NAME_MAX)
        name_len = IPC_NOTE_NAME_MAX;
    struct ipc_note_head h = {
        .magic = IPC_NOTE_MAGIC,
        .frame_len = (uint32_t)(sizeof(h) + name_len),
        .seq = seq,
        .kind = (uint32_t)kind,
        .value = value,
    };
    struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)name, name_len}};
    return ipc_writev_all(fd, iov, name_len > 0 ? 2 : 1);
}

int ipc_note_decode(const char *buf, size_t len, struct ipc_note_view *out)
{
    struct ipc_note_head h;
    if (len < sizeof(h) || len > sizeof(h) + IPC_NOTE_NAME_MAX)
        return -1;
    memcpy(&h, buf, sizeof(h));
    if (h.magic != IPC_NOTE_MAGIC || h.frame_len != len ||
        (h.kind != IPC_NOTE_DEADLINE && h.kind != IPC_NOTE_READY))
        return -1;
    out->seq = h.seq;
    out->kind = (enum ipc_note_kind)h.kind;
    out->value = h.value;
    out->name.p = buf + sizeof(h);
    out->name.len = len - sizeof(h);
    return 0;
}

int ipc_writev_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n > IOV_MAX ? IOV_MAX : n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return 0;
}

ssize_t ipc_read_frame(int fd, char **buf, size_t *cap, uint32_t magic, size_t head_size)
{
    size_t have = 0, need = 0;
    for (;;) {
        size_t want = need ? need : *cap;
        if (want > *cap) {
            char *nb = realloc(*buf, want);
            if (nb == NULL)
                return -1;
            *buf = nb;
            *cap = want;
        }
        ssize_t r = read(fd, *buf + have, want - have);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            return have == 0 ? 0 : -1;
        have += (size_t)r;
        if (need == 0 && have >= 8) {
            need = ipc_frame_len(*buf, have, magic, head_size);
            if (need == 0 || have > need)
                return -1;
        }
        if (need != 0 && have == need)
            return (ssize_t)need;
    }
}
