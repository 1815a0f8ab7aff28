/* flows_zip.h — reading and writing integration download zips with libzip, for `flows import`
 * and `flows export`. The conversion itself is flows_layout.h; this file only moves entries. */
#ifndef HS_FLOWS_ZIP_H
#define HS_FLOWS_ZIP_H

#include <stddef.h>

#include "flows_layout.h"

/* Reads every file entry of the zip at path into out (directories skipped). A zip with more than
 * FLOWS_LAYOUT_MAX_ENTRIES entries, an entry larger than FLOWS_LAYOUT_MAX_ENTRY or one that
 * does not inflate to its recorded size is refused. 0, or -1 with one line in err. */
int flows_zip_read(const char *path, struct flows_entries *out, char *err, size_t errlen);

/* Writes the entries into a new zip at path (replacing it), deflated, with a fixed modification
 * time so the same entries give the same bytes. 0, or -1 with one line in err. */
int flows_zip_write(const char *path, const struct flows_entries *in, char *err, size_t errlen);

#endif
