/* cli_new.c — `hookstack new MODULE FUNCTION --kind KIND`: scaffolds a hook function and a fixture
 * case that passes as soon as the module is built.
 *
 * A new module gets hooks/MODULE/MODULE.c: the module record, an init that registers FUNCTION with
 * its kind, and a skeleton that passes the page through unchanged (per-record kinds keep every
 * record, page kinds keep the page, branching routes to branch 0, postAggregate answers nothing,
 * the free-form kinds answer their options). CMake globs hooks/<name>/, so the next build makes
 * build/modules/MODULE.so. An existing module gets hooks/MODULE/FUNCTION.c with a register
 * function instead, and the line to call it from the module's init is printed. Both get
 * test-fixtures/MODULE/FUNCTION/basic.request.json and basic.response.json. Nothing existing is
 * ever overwritten: when any target file exists, nothing is written. Nor when a source under
 * hooks/ already registers FUNCTION (regscan.h): a second registration would stop the module set
 * from loading and its fixture case from passing. KIND is matched without regard to case. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_local.h"
#include "regscan.h"

enum new_form { FORM_RECORD, FORM_PAGE, FORM_BRANCH, FORM_NOTHING, FORM_ECHO };

struct new_kind {
    const char *name;     /* as in `hookstack hooks` */
    const char *constant; /* hs_kind constant */
    enum new_form form;
    const char *options;  /* the fixture's options */
    const char *response; /* the expected body for those options ("": empty) */
    const char *type;     /* framework 1.0 type of the default group */
    const char *what;     /* for the description and comments */
};

static const struct new_kind new_kinds[] = {
    {"preSavePage", "HS_KIND_PRE_SAVE_PAGE", FORM_PAGE,
     "{\"data\":[{\"id\":\"1\",\"name\":\"Acme\"},{\"id\":\"2\",\"name\":\"Globex\"}],"
     "\"errors\":[],\"_exportId\":\"5f0000000000000000000001\","
     "\"_flowId\":\"5f0000000000000000000002\",\"pageIndex\":0,\"settings\":{},\"testMode\":false}",
     "{\"data\":[{\"id\":\"1\",\"name\":\"Acme\"},{\"id\":\"2\",\"name\":\"Globex\"}],"
     "\"errors\":[],\"abort\":false,\"newErrorsAndRetryData\":[]}",
     "hook", "keeps the page of records as it is"},
    {"preMap", "HS_KIND_PRE_MAP", FORM_RECORD,
     "{\"data\":[{\"id\":\"1\",\"name\":\"Acme\"},{\"id\":\"2\",\"name\":\"Globex\"}],"
     "\"_importId\":\"5f0000000000000000000003\",\"_flowId\":\"5f0000000000000000000002\","
     "\"settings\":{},\"testMode\":false}",
     "[{\"data\":{\"id\":\"1\",\"name\":\"Acme\"}},{\"data\":{\"id\":\"2\",\"name\":\"Globex\"}}]",
     "hook", "keeps every record as it is"},
    {"postMap", "HS_KIND_POST_MAP", FORM_RECORD,
     "{\"preMapData\":[{\"id\":\"1\",\"name\":\"Acme\"}],"
     "\"postMapData\":[{\"externalId\":\"1\",\"companyName\":\"Acme\"}],"
     "\"_importId\":\"5f0000000000000000000003\",\"settings\":{},\"testMode\":false}",
     "[{\"data\":{\"externalId\":\"1\",\"companyName\":\"Acme\"}}]", "hook",
     "keeps every mapped record as it is"},
    {"postSubmit", "HS_KIND_POST_SUBMIT", FORM_RECORD,
     "{\"preMapData\":[{\"id\":\"1\"}],\"postMapData\":[{\"externalId\":\"1\"}],"
     "\"responseData\":[{\"statusCode\":200,\"errors\":[],\"ignored\":false,\"id\":\"1001\","
     "\"_json\":{\"id\":\"1001\"}}],\"_importId\":\"5f0000000000000000000003\",\"settings\":{},"
     "\"testMode\":false}",
     "[{\"statusCode\":200,\"errors\":[],\"ignored\":false,\"id\":\"1001\","
     "\"_json\":{\"id\":\"1001\"}}]",
     "hook", "keeps every submit response as it is"},
    {"postResponseMap", "HS_KIND_POST_RESPONSE_MAP", FORM_RECORD,
     "{\"postResponseMapData\":[{\"id\":\"1\",\"total\":12.5}],"
     "\"responseData\":[{\"statusCode\":200,\"id\":\"1001\"}],"
     "\"_importId\":\"5f0000000000000000000003\",\"settings\":{},\"testMode\":false}",
     "[{\"id\":\"1\",\"total\":12.5}]", "hook", "keeps every record as it is"},
    {"postAggregate", "HS_KIND_POST_AGGREGATE", FORM_NOTHING,
     "{\"postAggregateData\":{\"success\":true,\"_json\":{},\"code\":\"\",\"message\":\"\","
     "\"source\":\"\"},\"_importId\":\"5f0000000000000000000003\",\"settings\":{},"
     "\"testMode\":false}",
     "", "hook", "answers nothing"},
    {"branching", "HS_KIND_BRANCHING", FORM_BRANCH,
     "{\"record\":{\"id\":\"1\",\"name\":\"Acme\"},\"_flowId\":\"5f0000000000000000000002\","
     "\"settings\":{}}",
     "[0]", "hook", "sends every record to the first branch"},
    {"wrapper", "HS_KIND_WRAPPER", FORM_ECHO, "{\"key\":\"value\"}", "{\"key\":\"value\"}",
     "wrapper", "answers its options"},
    {"setting", "HS_KIND_SETTING", FORM_ECHO, "{\"key\":\"value\"}", "{\"key\":\"value\"}",
     "setting", "answers its options"},
    {"installer", "HS_KIND_INSTALLER", FORM_ECHO, "{\"key\":\"value\"}", "{\"key\":\"value\"}",
     "installer", "answers its options"},
    {"uninstaller", "HS_KIND_UNINSTALLER", FORM_ECHO, "{\"key\":\"value\"}", "{\"key\":\"value\"}",
     "uninstaller", "answers its options"},
    {"utility", "HS_KIND_UTILITY", FORM_ECHO, "{\"key\":\"value\"}", "{\"key\":\"value\"}",
     "utility", "answers its options"},
    {"raw", "HS_KIND_RAW", FORM_ECHO, "{\"key\":\"value\"}", "{\"key\":\"value\"}", NULL,
     "answers its options"},
};

#define NEW_NKINDS (sizeof(new_kinds) / sizeof(new_kinds[0]))

static void new_usage(FILE *f)
{
    fprintf(f, "usage: hookstack new MODULE FUNCTION --kind KIND [--root DIR]\n"
               "\n"
               "Scaffolds FUNCTION of kind KIND in hooks/MODULE/ (a new module: MODULE.c; an\n"
               "existing one: FUNCTION.c plus the line to add to its init) and a fixture case,\n"
               "test-fixtures/MODULE/FUNCTION/basic.request.json and .response.json, that passes\n"
               "once the module is built: `make test` builds and runs it. The skeleton passes\n"
               "its input through; edit it from there. Existing files are never overwritten,\n"
               "and a FUNCTION that a source under hooks/ already registers is refused.\n"
               "\n"
               "KIND is one of (in any case: premap is preMap):");
    for (size_t i = 0; i < NEW_NKINDS; i++)
        fprintf(f, "%s %s", i ? "," : "", new_kinds[i].name);
    fprintf(f, "\n\n"
               "options:\n"
               "  --kind KIND      the hook kind (required)\n"
               "  --root DIR       the repository (default: the current folder; it must hold\n"
               "                   hooks/)\n"
               "  -h, --help       show this help\n");
}

/* A module name is a file and folder name: letters, digits, '_' and '-', starting with a letter. */
static bool module_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A function name is also a C identifier in the skeleton. */
static bool function_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

struct new_file {
    char path[4096];
    FILE *text; /* the content, built in memory */
    char *data;
    size_t len;
};

static int file_open(struct new_file *f, const char *fmt, const char *a, const char *b,
                     const char *c)
{
    int n = snprintf(f->path, sizeof(f->path), fmt, a, b, c);
    if (n < 0 || (size_t)n >= sizeof(f->path))
        return -1;
    f->data = NULL;
    f->len = 0;
    f->text = open_memstream(&f->data, &f->len);
    return f->text ? 0 : -1;
}

static void file_discard(struct new_file *f)
{
    if (f->text)
        fclose(f->text);
    f->text = NULL;
    free(f->data);
    f->data = NULL;
}

/* Creates the folders of path (not the file itself). */
static int mkdirs_for(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof(tmp))
        return -1;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Writes f with O_EXCL (never over an existing file). */
static int file_write(struct new_file *f)
{
    if (mkdirs_for(f->path) != 0)
        return -1;
    int fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < f->len) {
        ssize_t w = write(fd, f->data + off, f->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    return close(fd);
}

/* Appends words to out (at most 100 columns a line), packed greedily as clang-format packs
 * arguments; continuation lines start at column `start`. */
static void pack_words(char *out, size_t n, size_t start, const char *const *words, int nwords)
{
    size_t len = strlen(out), col = len;
    const char *nl = strrchr(out, '\n');
    if (nl)
        col = len - (size_t)(nl + 1 - out);
    for (int i = 0; i < nwords; i++) {
        size_t w = strlen(words[i]);
        if (col > start && col + 1 + w > 100) {
            len += (size_t)snprintf(out + len, n > len ? n - len : 0, "\n%*s", (int)start, "");
            col = start;
        } else if (col > start) {
            len += (size_t)snprintf(out + len, n > len ? n - len : 0, " ");
            col++;
        }
        len += (size_t)snprintf(out + len, n > len ? n - len : 0, "%s", words[i]);
        col += w;
    }
}

static void emit_function(FILE *t, const struct new_kind *k, const char *fn)
{
    static const char *const record_params[] = {"hs_ctx *ctx,", "hs_record *rec)"};
    static const char *const page_params[] = {"hs_ctx *ctx,", "hs_page *page)"};
    static const char *const plain_params[] = {"hs_ctx *ctx,", "hs_json *options,",
                                               "hs_json **result)"};
    char sig[512];
    int start = snprintf(sig, sizeof(sig), "static hs_status fn_%s(", fn);
    if (k->form == FORM_RECORD)
        pack_words(sig, sizeof(sig), (size_t)start, record_params, 2);
    else if (k->form == FORM_PAGE || k->form == FORM_BRANCH)
        pack_words(sig, sizeof(sig), (size_t)start, page_params, 2);
    else
        pack_words(sig, sizeof(sig), (size_t)start, plain_params, 3);
    switch (k->form) {
    case FORM_RECORD:
        fprintf(
            t,
            "/* %s: a %s hook.\n"
            " * Called once per record of the page, it %s;\n"
            " * edit api->record_data(rec) in place, or use api->record_replace(), "
            "api->record_skip()\n"
            " * or api->record_add_error() to change that. The runner assembles the answer. */\n"
            "%s\n"
            "{\n"
            "    (void)ctx;\n"
            "    (void)rec;\n"
            "    return HS_OK;\n"
            "}\n",
            fn, k->name, k->what, sig);
        break;
    case FORM_PAGE:
        fprintf(t,
                "/* %s: a %s hook, called once per page.\n"
                " * It %s; edit api->page_data(page) and api->page_errors(page) in\n"
                " * place, or use api->page_set_abort() and api->page_add_retry(). The runner\n"
                " * assembles the answer. */\n"
                "%s\n"
                "{\n"
                "    (void)ctx;\n"
                "    (void)page;\n"
                "    return HS_OK;\n"
                "}\n",
                fn, k->name, k->what, sig);
        break;
    case FORM_BRANCH:
        fprintf(t,
                "/* %s: a branching function.\n"
                " * It %s; read api->page_data(page) and call\n"
                " * api->page_route(page, index) for the branches the record takes. */\n"
                "%s\n"
                "{\n"
                "    (void)ctx;\n"
                "    return api->page_route(page, 0);\n"
                "}\n",
                fn, k->what, sig);
        break;
    case FORM_NOTHING:
        fprintf(t,
                "/* %s: a %s hook.\n"
                " * It %s (the runner answers 200 with an empty body); read\n"
                " * options.postAggregateData and act on it. */\n"
                "%s\n"
                "{\n"
                "    (void)ctx;\n"
                "    (void)options;\n"
                "    *result = NULL;\n"
                "    return HS_OK;\n"
                "}\n",
                fn, k->name, k->what, sig);
        break;
    case FORM_ECHO:
        fprintf(t,
                "/* %s: a %s function.\n"
                " * It %s; build the answer with the api->json_* calls, or fail with\n"
                " * `return api->fail(ctx, \"my_code\", \"what went wrong\");`. */\n"
                "%s\n"
                "{\n"
                "    (void)ctx;\n"
                "    *result = options;\n"
                "    return HS_OK;\n"
                "}\n",
                fn, k->name, k->what, sig);
        break;
    }
}

/* Writes compact JSON text (as in new_kinds) indented by two spaces per level. */
static void emit_json_pretty(FILE *t, const char *json)
{
    int depth = 0;
    bool in_str = false;
    for (const char *p = json; *p; p++) {
        char c = *p;
        if (in_str) {
            fputc(c, t);
            if (c == '\\' && p[1])
                fputc(*++p, t);
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            fputc(c, t);
            break;
        case '{':
        case '[':
            fputc(c, t);
            if (p[1] == (c == '{' ? '}' : ']')) {
                fputc(*++p, t);
                break;
            }
            depth++;
            fprintf(t, "\n%*s", 2 * depth, "");
            break;
        case '}':
        case ']':
            depth--;
            fprintf(t, "\n%*s%c", 2 * depth, "", c);
            break;
        case ',':
            fprintf(t, ",\n%*s", 2 * depth, "");
            break;
        case ':':
            fputs(": ", t);
            break;
        default:
            fputc(c, t);
        }
    }
    fputc('\n', t);
}

static const char *register_call(const struct new_kind *k)
{
    switch (k->form) {
    case FORM_RECORD:
        return "register_record_fn";
    case FORM_PAGE:
    case FORM_BRANCH:
        return "register_page_fn";
    default:
        return "register_fn";
    }
}

/* The init's lines; the call wrapped as clang-format wraps it past 100 columns. */
static void emit_registration(FILE *t, const struct new_kind *k, const char *fn, const char *indent)
{
    fprintf(t,
            "%shs_fn_opts opts = HS_FN_OPTS_INIT;\n"
            "%sopts.description = \"%s: %s\";\n",
            indent, indent, k->name, k->what);
    char call[1024], a1[80], a2[80], a3[80];
    snprintf(a1, sizeof(a1), "\"%s\",", fn);
    snprintf(a2, sizeof(a2), "%s,", k->constant);
    snprintf(a3, sizeof(a3), "fn_%s,", fn);
    const char *const args[] = {"mod,", a1, a2, a3, "&opts);"};
    int start = snprintf(call, sizeof(call), "%sreturn api->%s(", indent, register_call(k));
    pack_words(call, sizeof(call), (size_t)start, args, 5);
    fprintf(t, "%s\n", call);
}

static void emit_module(FILE *t, const struct new_kind *k, const char *module, const char *fn)
{
    fprintf(t,
            "/* %s.c — the %s hook module: %s (%s).\n"
            " *\n"
            " * Scaffolded by `hookstack new`. Its fixture case:\n"
            " *   test-fixtures/%s/%s/\n"
            " * Build with `make` (build/modules/%s.so); check with `make test` or\n"
            " * `hookstack test test-fixtures/%s`. include/hookstack.h documents every call. */\n"
            "#include \"hookstack.h\"\n"
            "\n"
            "static const hs_api *api;\n"
            "\n",
            module, module, fn, k->name, module, fn, module, module);
    emit_function(t, k, fn);
    fprintf(t,
            "\n"
            "static hs_status register_%s(hs_module *mod)\n"
            "{\n",
            fn);
    emit_registration(t, k, fn, "    ");
    fprintf(
        t,
        "}\n"
        "\n"
        "/* Registers the module's functions (only possible here). Functions added later in\n"
        " * their own files are registered with `if (st == HS_OK) st = F_register(api, mod);`. */\n"
        "static hs_status module_init(const hs_api *a, hs_module *mod)\n"
        "{\n"
        "    api = a;\n"
        "    hs_status st = register_%s(mod);\n"
        "    return st;\n"
        "}\n"
        "\n"
        "HS_MODULE(\"%s\", \"0.1.0\", module_init)\n",
        fn, module);
}

static void emit_function_file(FILE *t, const struct new_kind *k, const char *module,
                               const char *fn)
{
    fprintf(t,
            "/* %s.c — %s (%s) of the %s module.\n"
            " *\n"
            " * Scaffolded by `hookstack new`. Its fixture case:\n"
            " *   test-fixtures/%s/%s/\n"
            " * The module's init registers it by calling %s_register(api, mod). */\n"
            "#include \"hookstack.h\"\n"
            "\n"
            "hs_status %s_register(const hs_api *a, hs_module *mod);\n"
            "\n"
            "static const hs_api *api;\n"
            "\n",
            fn, fn, k->name, module, module, fn, fn, fn);
    emit_function(t, k, fn);
    fprintf(t,
            "\n"
            "hs_status %s_register(const hs_api *a, hs_module *mod)\n"
            "{\n"
            "    api = a;\n",
            fn);
    emit_registration(t, k, fn, "    ");
    fprintf(t, "}\n");
}

int cli_new(int argc, char **argv)
{
    const char *module = NULL, *fn = NULL, *kind = NULL, *root = ".";
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            new_usage(stdout);
            return 0;
        }
        int m = cli_opt_value(argc, argv, &i, "--kind", &kind, "new");
        if (m == 0)
            m = cli_opt_value(argc, argv, &i, "--root", &root, "new");
        if (m < 0)
            return 2;
        if (m > 0)
            continue;
        if (a[0] == '-') {
            fprintf(stderr, "hookstack new: unknown option '%s' (see hookstack new --help)\n", a);
            return 2;
        }
        if (npos == 0)
            module = a;
        else if (npos == 1)
            fn = a;
        else {
            fprintf(stderr, "hookstack new: unexpected argument '%s'\n", a);
            return 2;
        }
        npos++;
    }
    if (!module || !fn || !kind) {
        fprintf(stderr, "hookstack new: usage: hookstack new MODULE FUNCTION --kind KIND "
                        "(see hookstack new --help)\n");
        return 2;
    }
    if (!module_name_ok(module)) {
        fprintf(stderr,
                "hookstack new: module name '%s': use letters, digits, '_' and '-', starting "
                "with a letter (at most 64)\n",
                module);
        return 2;
    }
    if (!function_name_ok(fn)) {
        fprintf(stderr,
                "hookstack new: function name '%s': use letters, digits and '_', starting with "
                "a letter, at most 64 (it is also a C name)\n",
                fn);
        return 2;
    }
    const struct new_kind *k = NULL;
    for (size_t i = 0; i < NEW_NKINDS; i++) {
        if (strcasecmp(kind, new_kinds[i].name) == 0)
            k = &new_kinds[i];
    }
    if (!k) {
        fprintf(stderr, "hookstack new: unknown kind '%s' (see hookstack new --help)\n", kind);
        return 2;
    }

    char hooks[4096], moddir[4096];
    struct stat st;
    snprintf(hooks, sizeof(hooks), "%s/hooks", root);
    if (stat(hooks, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr,
                "hookstack new: no hooks/ folder in %s: run it at the repository root, or give "
                "--root DIR\n",
                strcmp(root, ".") == 0 ? "the current folder" : root);
        return 1;
    }
    snprintf(moddir, sizeof(moddir), "%s/hooks/%s", root, module);
    bool existing = stat(moddir, &st) == 0;
    if (existing && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "hookstack new: %s exists and is not a folder\n", moddir);
        return 1;
    }

    struct new_file files[3] = {0};
    int rc = 1;
    if (file_open(&files[0], existing ? "%s/hooks/%s/%s.c" : "%s/hooks/%s/%s.c", root, module,
                  existing ? fn : module) != 0 ||
        file_open(&files[1], "%s/test-fixtures/%s/%s/basic.request.json", root, module, fn) != 0 ||
        file_open(&files[2], "%s/test-fixtures/%s/%s/basic.response.json", root, module, fn) != 0) {
        fprintf(stderr, "hookstack new: path too long or out of memory\n");
        goto out;
    }
    for (int i = 0; i < 3; i++) {
        if (stat(files[i].path, &st) == 0) {
            fprintf(stderr, "hookstack new: %s already exists; nothing was written\n",
                    files[i].path);
            goto out;
        }
    }
    char where[4200];
    int found = regscan_find(hooks, fn, where, sizeof(where));
    if (found != 0) {
        if (found > 0)
            fprintf(stderr,
                    "hookstack new: function '%s' is already registered at %s; a second "
                    "registration would stop the modules from loading. Pick another name; "
                    "nothing was written\n",
                    fn, where);
        else
            fprintf(stderr, "hookstack new: cannot read the module sources: %s\n", where);
        goto out;
    }
    if (existing)
        emit_function_file(files[0].text, k, module, fn);
    else
        emit_module(files[0].text, k, module, fn);
    /* Framework 2.0: the request names the function without a type (the top level). */
    char request[2048];
    snprintf(request, sizeof(request), "{\"diy\":true,\"function\":\"%s\",\"options\":%s}", fn,
             k->options);
    emit_json_pretty(files[1].text, request);
    if (k->response[0])
        emit_json_pretty(files[2].text, k->response);
    for (int i = 0; i < 3; i++) {
        if (fflush(files[i].text) != 0) {
            fprintf(stderr, "hookstack new: out of memory\n");
            goto out;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (file_write(&files[i]) != 0) {
            fprintf(stderr, "hookstack new: %s: %s\n", files[i].path, strerror(errno));
            goto out;
        }
        printf("created %s\n", files[i].path);
    }
    if (existing) {
        printf("\nhooks/%s/ already exists: register the new function from the module's init:\n"
               "    hs_status %s_register(const hs_api *a, hs_module *mod); /* at file scope */\n"
               "    if (st == HS_OK)                                 /* in init, before return */\n"
               "        st = %s_register(api, mod);\n"
               "(until then its fixture case fails with invalid_function)\n",
               module, fn, fn);
    }
    printf("\nnext: make test   (or: make && build/hookstack test test-fixtures/%s)\n"
           "      build/hookstack invoke %s test-fixtures/%s/%s/basic.request.json\n",
           module, fn, module, fn);
    rc = 0;
out:
    for (int i = 0; i < 3; i++)
        file_discard(&files[i]);
    return rc;
}
