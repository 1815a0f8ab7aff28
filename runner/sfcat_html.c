/* sfcat_html.c — the HTML report of `hookstack sfns catalog` (sfcat.h): one self-contained page
 * (inline style and script, no network, no external asset) that a sales-ops lead and a controller
 * read together: counts by status and by conflict, filters, and every proposal with its evidence
 * and conflicts. Every text from the exports is escaped. The counts are computed by the page's
 * script from the rows it shows, so a rendering that drops rows shows it in the counts. */
#include <stdio.h>
#include <string.h>

#include "sfcat.h"

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* Lines of text as list items of class cls; conflicts carry their kind in data-kind. */
static void lines(FILE *f, const char *text, const char *cls)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        char line[2048];
        size_t m = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
        memcpy(line, text, m);
        line[m] = '\0';
        if (m) {
            fprintf(f, "<li class=\"%s\"", cls);
            const char *colon = strchr(line, ':');
            if (!strcmp(cls, "conflict") && colon) {
                fputs(" data-kind=\"", f);
                fwrite(line, 1, (size_t)(colon - line), f);
                fputc('"', f);
            }
            fputc('>', f);
            esc(f, line);
            fputs("</li>", f);
        }
        text = nl ? nl + 1 : text + n;
    }
}

static const char STYLE[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.4em}table{border-collapse:collapse;width:100%}"
    "th,td{border-bottom:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}"
    "th{background:#f4f4f4;position:sticky;top:0}ul{margin:0;padding-left:1.1em}"
    ".counts span{display:inline-block;margin-right:1.2em}"
    ".counts b{font-size:1.2em}.filters{margin:1em 0}"
    ".filters button{margin-right:.4em}.filters button.on{font-weight:bold}"
    "tr.accepted td.status{color:#176b2c}tr.review td.status{color:#9a6700}"
    "tr.unmatched td.status{color:#b3261e}tr.rejected td.status{color:#666}"
    "li.conflict{color:#b3261e}.muted{color:#777}";

/* Counts and filters: counted from the rows on load; a status button and a conflict select hide
 * the rows that do not match. */
static const char SCRIPT[] =
    "(function(){"
    "var rows=[].slice.call(document.querySelectorAll('tbody tr'));"
    "function count(id,n){var e=document.getElementById(id);if(e)e.textContent=String(n);}"
    "var st={},kinds={};rows.forEach(function(r){"
    "st[r.dataset.status]=(st[r.dataset.status]||0)+1;"
    "(r.dataset.conflicts||'').split(' ').forEach(function(k){if(k)kinds[k]=(kinds[k]||0)+1;});"
    "});"
    "count('count-all',rows.length);"
    "['accepted','review','unmatched','rejected'].forEach(function(s){count('count-'+s,st[s]||0);"
    "});"
    "[].slice.call(document.querySelectorAll('[data-count-kind]')).forEach(function(e){"
    "e.textContent=String(kinds[e.dataset.countKind]||0);});"
    "var status='all',kind='';"
    "function apply(){var shown=0;rows.forEach(function(r){"
    "var ok=(status==='all'||r.dataset.status===status)&&"
    "(!kind||(' '+r.dataset.conflicts+' ').indexOf(' '+kind+' ')>=0);"
    "r.hidden=!ok;if(ok)shown++;});count('count-shown',shown);}"
    "[].slice.call(document.querySelectorAll('.filters button')).forEach(function(b){"
    "b.addEventListener('click',function(){status=b.dataset.status;"
    "[].slice.call(document.querySelectorAll('.filters button')).forEach(function(o){"
    "o.className=o===b?'on':'';});apply();});});"
    "var sel=document.getElementById('kind');sel.addEventListener('change',function(){"
    "kind=sel.value;apply();});"
    "var h=location.hash.slice(1);if(h){var b=document.querySelector("
    "'.filters button[data-status=\"'+h+'\"]');if(b)b.click();}"
    "apply();document.body.dataset.rendered='yes';"
    "})();";

int sfcat_write_html(const char *path, const struct catmatch_set *set, const char *title, char *err,
                     size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create", path);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
          "<title>",
          f);
    esc(f, title);
    fprintf(f, "</title><style>%s</style></head><body>\n<h1>", STYLE);
    esc(f, title);
    fprintf(f,
            "</h1>\n<p class=\"muted\">%zu Salesforce products, %zu NetSuite items. Accepted "
            "mappings go into the catalog settings; review and unmatched need a decision in the "
            "review file (decision: accept, reject or map with map_to).</p>\n",
            catmatch_count_products(set), catmatch_count_items(set));
    fputs("<p class=\"counts\"><span>products <b id=\"count-all\">?</b></span>"
          "<span>accepted <b id=\"count-accepted\">?</b></span>"
          "<span>review <b id=\"count-review\">?</b></span>"
          "<span>unmatched <b id=\"count-unmatched\">?</b></span>"
          "<span>rejected <b id=\"count-rejected\">?</b></span>"
          "<span>shown <b id=\"count-shown\">?</b></span></p>\n<p class=\"counts\">",
          f);
    for (unsigned c = 0; c < CATMATCH_NCONFLICTS; c++)
        fprintf(f, "<span>%s <b data-count-kind=\"%s\">?</b></span>",
                catmatch_conflict_name(1u << c), catmatch_conflict_name(1u << c));
    fputs("</p>\n<div class=\"filters\">"
          "<button data-status=\"all\" class=\"on\">all</button>"
          "<button data-status=\"accepted\">accepted</button>"
          "<button data-status=\"review\">review</button>"
          "<button data-status=\"unmatched\">unmatched</button>"
          "<button data-status=\"rejected\">rejected</button>"
          "<label>conflict <select id=\"kind\"><option value=\"\">any</option>",
          f);
    for (unsigned c = 0; c < CATMATCH_NCONFLICTS; c++)
        fprintf(f, "<option>%s</option>", catmatch_conflict_name(1u << c));
    fputs("</select></label></div>\n<table><thead><tr><th>Salesforce product</th><th>status</th>"
          "<th>NetSuite item</th><th>how found</th><th>confidence</th><th>evidence</th>"
          "<th>conflicts</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < catmatch_count_products(set); i++) {
        const struct catmatch_proposal *pr = catmatch_proposal(set, i);
        const struct catmatch_product *p = catmatch_product(set, i);
        const char *status = catmatch_status_name(pr->status);
        fprintf(f, "<tr class=\"%s\" data-status=\"%s\" data-product=\"", status, status);
        esc(f, p->id);
        fputs("\" data-conflicts=\"", f);
        for (unsigned c = 0, n = 0; c < CATMATCH_NCONFLICTS; c++)
            if (pr->conflicts & (1u << c))
                fprintf(f, "%s%s", n++ ? " " : "", catmatch_conflict_name(1u << c));
        fputs("\"><td><b>", f);
        esc(f, p->code ? p->code : "(no code)");
        fputs("</b><br>", f);
        esc(f, p->name);
        fputs("<br><span class=\"muted\">", f);
        esc(f, p->id);
        fprintf(f, "%s</span></td><td class=\"status\">%s%s</td><td>",
                p->inactive ? " (inactive)" : "", status, pr->decided ? " (decided)" : "");
        if (pr->item >= 0) {
            const struct catmatch_item *it = catmatch_item(set, (size_t)pr->item);
            fputs("<b>", f);
            esc(f, it->id);
            fputs("</b> ", f);
            esc(f, it->itemid);
            if (it->name) {
                fputs("<br>", f);
                esc(f, it->name);
            }
        } else if (pr->nparts) {
            fputs("bundle of<ul>", f);
            for (size_t c = 0; c < pr->nparts; c++) {
                const struct catmatch_item *it = catmatch_item(set, pr->parts[c].item);
                fputs("<li>", f);
                esc(f, it->id);
                fputc(' ', f);
                esc(f, it->itemid);
                fprintf(f, " &times; %g</li>", pr->parts[c].quantity);
            }
            fputs("</ul>", f);
        } else {
            fputs("<span class=\"muted\">none</span>", f);
        }
        if (pr->ncandidates > 1) {
            fputs("<br><span class=\"muted\">candidates:", f);
            for (size_t c = 0; c < pr->ncandidates; c++) {
                fputc(' ', f);
                esc(f, catmatch_item(set, pr->candidates[c])->id);
            }
            fputs("</span>", f);
        }
        fprintf(f, "</td><td>%s</td><td>%.2f</td><td><ul>",
                pr->method ? catmatch_method_name(pr->method) : "", pr->confidence);
        lines(f, pr->evidence, "evidence");
        fputs("</ul></td><td><ul>", f);
        lines(f, pr->conflict_text, "conflict");
        fputs("</ul></td></tr>\n", f);
    }
    fprintf(f, "</tbody></table>\n<script>%s</script>\n</body></html>\n", SCRIPT);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}
