/* flows_check.h — what `hookstack flows validate` checks in a loaded flows/ folder
 * (docs/flows.md): canonical form, required fields per resource type, references, hooks against
 * the functions the modules register (by kind), and HTTP-step calls to /v1/hooks/{function}. */
#ifndef HS_FLOWS_CHECK_H
#define HS_FLOWS_CHECK_H

#include <stddef.h>

#include "flows_set.h"

/* The functions a check may name: kind_of returns the hs_kind of the DIY function called name
 * (n bytes), or -1 when no loaded module registers one. */
struct flows_fns {
    int (*kind_of)(void *arg, const char *name, size_t n);
    void *arg;
};

/* Checks every file of s and adds a finding for each problem. 0, or -1 when out of memory. */
int flows_check(struct flows_set *s, const struct flows_fns *fns);

/* A reference "@TYPE/NAME" in the n bytes of v: 0 with *type and the name (*name, *nlen; inside
 * v), or -1 when v is not of that form. */
int flows_ref_parse(const char *v, size_t n, enum flows_type *type, const char **name,
                    size_t *nlen);

/* The type a reference key (such as "_connectionId" or "_runNextFlowIds") points at, or -1 for any
 * other key. */
int flows_ref_key_type(const char *key, size_t n);

#endif
