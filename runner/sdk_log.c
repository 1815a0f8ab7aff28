/* sdk_log.c — a hook's log lines (log, log_json): "<level> <text>\n" into the invocation's log
 * buffer, line breaks escaped, within the per-invocation limit, every secret the options carry
 * replaced by [redacted] (the secrets themselves: sdk_redact.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sdk_internal.h"
#include "text.h"

#define SDK_LOG_DEFAULT_LIMIT 65536
#define SDK_LOG_LINE_MAX      8192

#define J(v) ((struct json_value *)(v))

/* ---- logging -------------------------------------------------------------------------------- */

static void log_append(hs_ctx *ctx, const char *s, size_t n)
{
    struct json_buf *out = ctx->call->log;
    size_t limit = ctx->call->log_limit ? ctx->call->log_limit : SDK_LOG_DEFAULT_LIMIT;
    if (ctx->log_full)
        return;
    if (out->len + n > limit) {
        static const char note[] = "warn log truncated: this invocation's log limit was reached\n";
        json_buf_append(out, note, sizeof(note) - 1);
        ctx->log_full = true;
        return;
    }
    json_buf_append(out, s, n);
}

/* Writes "<level> <text>\n" with secrets replaced and line breaks escaped. */
static void log_text(hs_ctx *ctx, hs_log_level level, const char *text, size_t len)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (!ctx->call->log || ctx->log_full)
        return;
    sdk_secrets_collect(ctx);
    char line[SDK_LOG_LINE_MAX + 64];
    size_t o = 0;
    const char *lv = names[(unsigned)level < 4 ? level : 1];
    o += (size_t)snprintf(line, sizeof(line), "%s ", lv);
    for (size_t i = 0; i < len && o < SDK_LOG_LINE_MAX;) {
        size_t hit = sdk_secret_at(ctx, text + i, len - i);
        if (hit) {
            memcpy(line + o, STRLIT("[redacted]"));
            o += 10;
            i += hit;
            continue;
        }
        char c = text[i++];
        if (c == '\n' || c == '\r') {
            line[o++] = '\\';
            line[o++] = c == '\n' ? 'n' : 'r';
        } else {
            line[o++] = c;
        }
    }
    line[o++] = '\n';
    log_append(ctx, line, o);
}

void sdk_ctx_log(hs_ctx *ctx, hs_log_level level, const char *text, size_t len)
{
    if (ctx && text)
        log_text(ctx, level, text, len);
}

/* Past the log limit nothing more is written: the callers below return before formatting,
 * redacting or printing JSON a line that would be dropped. */
void sdk_log_fmt(hs_ctx *ctx, hs_log_level level, const char *fmt, ...)
{
    if (!ctx || !fmt || ctx->log_full)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[SDK_LOG_LINE_MAX];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    log_text(ctx, level, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void sdk_log_json(hs_ctx *ctx, hs_log_level level, const char *label, const hs_json *v)
{
    if (!ctx || !ctx->call->log || ctx->log_full)
        return;
    struct json_value *c = v ? sdk_redacted_copy(ctx, J(v)) : NULL;
    struct json_buf b;
    json_buf_init(&b, SDK_LOG_LINE_MAX);
    if (label) {
        json_buf_append(&b, label, strlen(label));
        json_buf_append(&b, STRLIT(" "));
    }
    if (!v)
        json_buf_append(&b, STRLIT("undefined"));
    else if (!c || json_write(&b, c, 0, NULL) != 0)
        json_buf_append(&b, STRLIT("(not printable)"));
    log_text(ctx, level, b.data ? b.data : "", b.len);
    json_buf_free(&b);
}
