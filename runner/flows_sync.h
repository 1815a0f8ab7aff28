/* flows_sync.h — the resource-level steps of `hookstack flows push|pull|diff` (docs/flows.md),
 * without any I/O: references to ids through an environment's ids and back, a live document in
 * the folder's form, and the document a push PUTs (the live one with the local fields merged over
 * it, placeholders keeping the live secret). */
#ifndef HS_FLOWS_SYNC_H
#define HS_FLOWS_SYNC_H

#include <stddef.h>

#include "arena.h"
#include "flows_canon.h"
#include "json.h"

/* Replaces in place every reference "@TYPE/NAME" under a reference key of v by its id in
 * env_ids ({"@TYPE/NAME": id}, may be NULL). 0; 1 when a reference has no id (its text, cut to
 * fit, in missing); -1 when out of memory. */
int flows_sync_to_ids(struct arena *a, struct json_value *v, const struct json_value *env_ids,
                      char *missing, size_t cap);

/* The folder form of live, a resource of type t as the API returns it: a canonical copy
 * (flows_canon) whose ids under reference keys are replaced by the references env_ids maps them
 * to (an id it does not map stays as it is). Scripts: the copy has no `content`; *content gets it
 * (NULL when none; content may be NULL). NULL when out of memory. */
struct json_value *flows_sync_to_local(struct arena *a, enum flows_type t,
                                       const struct json_value *live,
                                       const struct json_value *env_ids,
                                       const struct json_value **content);

/* The document to PUT: local (the folder's resource, references already ids) merged over live.
 * Objects merge key by key; a key only live holds is kept when the canonical form drops it (the
 * account's ids, timestamps, captured payloads) and left out otherwise (the folder removed it);
 * arrays merge item by item and take local's length; a placeholder FLOWS_SECRET takes live's value
 * at the same place, and is left out where live has none. NULL when out of memory. */
struct json_value *flows_sync_merge(struct arena *a, enum flows_type t,
                                    const struct json_value *local, const struct json_value *live);

/* Where local (the folder's form) holds a placeholder FLOWS_SECRET and live_local (a live
 * document in the folder's form) has no value, puts the placeholder into live_local too: a secret
 * the account has not been given is no difference a push can resolve (it never sends the
 * placeholder). Returns how many were filled, or -1 when out of memory. */
int flows_sync_fill_secrets(struct arena *a, const struct json_value *local,
                            struct json_value *live_local);

/* A copy of local for a POST: placeholders left out (nothing to keep yet). NULL when out of
 * memory. */
struct json_value *flows_sync_create_body(struct arena *a, const struct json_value *local);

#endif
